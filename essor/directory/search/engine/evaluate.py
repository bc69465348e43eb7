"""A search evaluated on one snapshot: the matching rows, the exact total, the facet counts
(disjunctive, as query.grouped_counts and filter_sql(exclude=…)) and the ranked rows (as
query.rank_sql, then score DESC, id). Every predicate is the one of query.filter_sql, on
columns instead of SQL."""

import math
from dataclasses import dataclass

import numpy as np

from essor.directory.search import facets as fx
from essor.directory.search import query as sq
from essor.directory.search.engine.snapshot import Snapshot
from essor.directory.search.params import SearchParams

TERRITORY = {
    "region": "region_code",
    "departement": "departement_code",
    "epci": "epci_siren",
    "commune": "commune_code",
}
EMPTY = np.zeros(0, dtype=np.int32)


@dataclass
class Query:
    """The parts of a search that do not depend on a snapshot."""

    params: SearchParams
    text: sq.TextQuery | None
    center: sq.Center | None
    territoire: tuple[str, tuple[str, ...]] | None  # (column, values) of the widget's territory
    shown: tuple[str, str] | None  # (key, column) of the territory facet shown

    @classmethod
    def of(cls, params: SearchParams, text, center) -> "Query":
        territoire = None
        if params.territoire:
            kind, _, code = params.territoire.partition(":")
            column = TERRITORY.get(kind)
            if column:
                territoire = (column, (code,))
            else:
                from essor.territories.lookup import communes_in

                territoire = ("commune_code", tuple(communes_in(kind, code) or ()))
        return cls(params, text, center, territoire, sq.territory_facet(params))


def member(sorted_values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Boolean: which of `wanted` are in `sorted_values` (ascending)."""
    if not len(sorted_values) or not len(wanted):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, wanted), len(sorted_values) - 1)
    return sorted_values[at] == wanted


class Evaluation:
    def __init__(self, snapshot: Snapshot, query: Query, dead: np.ndarray = EMPTY):
        self.s, self.q, self.dead = snapshot, query, dead
        self.p0 = self._hard_filters()
        self.territory = {
            key: self._allowed(column, getattr(query.params, key))
            for key, column in TERRITORY.items()
            if getattr(query.params, key)
        }
        self.base = self._territory_filtered(skip=None)
        self._group_tests()

    # --- rows --------------------------------------------------------------------------

    def _value_index(self, column: str) -> dict:
        key = ("value_index", column)
        if key not in self.s.cache:
            self.s.cache[key] = {v: i for i, v in enumerate(self.s.values[column])}
        return self.s.cache[key]

    def _allowed(self, column: str, values) -> np.ndarray:
        """Lookup table code -> bool of the codes of `values` in `column`."""
        allowed = np.zeros(len(self.s.values[column]) + 1, dtype=bool)
        index = self._value_index(column)
        allowed[[index[v] for v in values if v in index]] = True
        return allowed

    def _text_positions(self) -> np.ndarray:
        text, post, n = self.q.text, self.s.text, self.s.n
        sets = []
        for i, term in enumerate(text.terms):
            if text.prefix and i == len(text.terms) - 1:
                lo, hi = post.words.prefix_range(term)
                found = post.positions[post.offsets[lo] : post.offsets[hi]]
                if hi - lo > 1:
                    if len(found) > n // 32:
                        mask = np.zeros(n, dtype=bool)
                        mask[found] = True
                        found = np.flatnonzero(mask).astype(np.int32)
                    else:
                        found = np.unique(found)
            else:
                found = post.of(term)
            sets.append(found)
        sets.sort(key=len)
        result = np.asarray(sets[0])
        for other in sets[1:]:
            if not len(result):
                break
            if len(result) > n // 64:  # two big sets: a mask is cheaper than a binary search
                mask = np.zeros(n, dtype=bool)
                mask[other] = True
                result = result[mask[result]]
            else:
                result = result[member(other, result)]
        return result

    def _codes_of(self, column: str, values) -> list[int]:
        index = self._value_index(column)
        return [index[v] for v in values if v in index]

    def _hard_filters(self) -> np.ndarray | None:
        """Positions matching the text, the widget's territory, the distance and the map zone
        (alive rows only); None: every alive row. Without text, the first filter reads its
        rows from a lookup structure (territory CSR, latitude band), the others test them."""
        s, q = self.s, self.q
        positions = self._text_positions() if q.text is not None else None
        if q.territoire is not None:
            column, values = q.territoire
            if positions is None:
                positions = s.positions_with(column, self._codes_of(column, values))
            else:
                positions = positions[self._allowed(column, values)[s.codes[column][positions]]]
        if q.center is not None:
            if positions is None:
                c = q.center
                dlat = c.radius_km / sq.KM_PER_DEGREE_LAT
                positions = s.latitude_band(c.lat - dlat, c.lat + dlat)
            positions = positions[self._distance(positions)]
        if q.params.zone and q.params.bbox:
            if positions is None:
                _west, south, _east, north = q.params.bbox
                positions = s.latitude_band(south, north)
            positions = positions[self._bbox(positions)]
        if positions is not None and len(self.dead):
            positions = positions[~member(self.dead, positions)]
        return positions

    def _coords(self, positions):
        if positions is None:
            return self.s.glat, self.s.glon
        return self.s.glat[positions], self.s.glon[positions]

    def _distance(self, positions) -> np.ndarray:
        c = self.q.center
        lat, lon = self._coords(positions)
        dlat = c.radius_km / sq.KM_PER_DEGREE_LAT
        kx = sq.KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(c.lat))
        dlon = c.radius_km / kx
        with np.errstate(invalid="ignore"):
            box = (lat >= c.lat - dlat) & (lat <= c.lat + dlat)
            box &= (lon >= c.lon - dlon) & (lon <= c.lon + dlon)
            a = (lat - c.lat) * sq.KM_PER_DEGREE_LAT
            b = (lon - c.lon) * kx
            return box & (a * a + b * b <= float(c.radius_km) ** 2)

    def _bbox(self, positions) -> np.ndarray:
        west, south, east, north = self.q.params.bbox
        lat, lon = self._coords(positions)
        with np.errstate(invalid="ignore"):
            return (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)

    def _territory_filtered(self, skip: str | None) -> np.ndarray | None:
        tests = [(k, a) for k, a in self.territory.items() if k != skip]
        if not tests:
            return self.p0
        s = self.s
        positions = self.p0
        if positions is None:
            (key, _allowed), *tests = tests
            column = TERRITORY[key]
            positions = s.positions_with(
                column, self._codes_of(column, getattr(self.q.params, key))
            )
            if len(self.dead):
                positions = positions[~member(self.dead, positions)]
        for key, allowed in tests:
            positions = positions[allowed[s.codes[TERRITORY[key]][positions]]]
        return positions

    # --- grouped facets ----------------------------------------------------------------

    def _group_counts(self, positions) -> np.ndarray:
        s = self.s
        if positions is None:
            counts = s.group_totals().copy()
            if len(self.dead):
                counts -= np.bincount(s.group[self.dead], minlength=s.group_count)
            return counts
        return np.bincount(s.group[positions], minlength=s.group_count)

    def _group_tests(self) -> None:
        s, params = self.s, self.q.params
        self.tests = {}
        for key, column, kind in sq.GROUPED:
            selected = getattr(params, key)
            values = s.group_columns[column]
            if kind == "bool":
                if selected is None:
                    continue
                ok = np.array(
                    [v is not None and bool(v) == selected for v in s.values[column]] + [False]
                )
                self.tests[key] = ok[values]
            elif selected:
                if kind == "bits":
                    order = fx.THEMES if key == "theme" else fx.LABELS
                    mask = sum(1 << order.index(v) for v in selected)
                    self.tests[key] = (np.asarray(values) & mask) != 0
                else:
                    self.tests[key] = self._allowed(column, selected)[values]
        self.fails = np.zeros(s.group_count, dtype=np.int8)
        for test in self.tests.values():
            self.fails += ~test
        self.passing = self.fails == 0
        self.counts = self._group_counts(self.base)
        self.total = int(self.counts[self.passing].sum())

    def grouped_counts(self) -> dict[str, dict]:
        s, result = self.s, {}
        for key, column, kind in sq.GROUPED:
            test = self.tests.get(key)
            kept = self.passing if test is None else self.passing | ((self.fails == 1) & ~test)
            weights = np.where(kept, self.counts, 0)
            values = np.asarray(s.group_columns[column])
            bucket: dict = {}
            if kind == "bits":
                order = fx.THEMES if key == "theme" else fx.LABELS
                for bit, name in enumerate(order):
                    n = int(weights[((values >> bit) & 1) == 1].sum())
                    if n:
                        bucket[name] = n
            else:
                sums = np.bincount(values, weights=weights, minlength=len(s.values[column]))
                for code in np.flatnonzero(sums):
                    value = s.values[column][code]
                    if kind == "bool":
                        if value is not None:
                            bucket[sq.BOOL_KEYS[key][0 if value else 1]] = int(sums[code])
                    elif value:
                        bucket[value] = int(sums[code])
            result[key] = bucket
        return result

    def territory_counts(self, trim: bool = False) -> tuple[str, dict]:
        """(key, {code: entries}) of the territory facet shown, its own selection ignored;
        `trim`: only the values that can be shown (the whole search is this snapshot)."""
        s = self.s
        key, column = self.q.shown
        base = self._territory_filtered(skip=key) if key in self.territory else self.base
        values = s.values[column]
        if base is None and len(values) <= 500:
            weights = np.where(self.passing, 1, 0)
            sums = weights @ s.group_by(column)
            if len(self.dead):
                dead = self.dead[self.passing[s.group[self.dead]]]
                sums = sums - np.bincount(s.codes[column][dead], minlength=len(values))
        else:
            positions = np.arange(s.n, dtype=np.int32) if base is None else base
            if base is None and len(self.dead):
                positions = positions[~member(self.dead, positions)]
            positions = positions[self.passing[s.group[positions]]]
            sums = np.bincount(s.codes[column][positions], minlength=len(values))
        codes = np.array([c for c in np.flatnonzero(sums) if values[c]], dtype=np.int64)
        if trim and len(codes) > sq.TERRITORY_LIMIT:
            # Only the top values are shown (query.format_facets): keep every value tied with
            # the last of them, and the selected ones, so that the shown facet is the same.
            limit = np.sort(sums[codes])[-sq.TERRITORY_LIMIT]
            selected = set(self._codes_of(column, getattr(self.q.params, key)))
            codes = np.array([c for c in codes if sums[c] >= limit or c in selected])
        return key, {values[c]: int(sums[c]) for c in codes}

    # --- page --------------------------------------------------------------------------

    def ranked(self, need: int) -> tuple[np.ndarray, np.ndarray]:
        """(tiers, positions) of the first `need` matching rows in the page order."""
        s = self.s
        if self.base is None:
            found, lo, step = [], 0, 65_536
            while lo < s.n and sum(len(f) for f in found) < need:
                hi = min(s.n, lo + step)
                ok = self.passing[s.group[lo:hi]]
                if len(self.dead):
                    inside = self.dead[(self.dead >= lo) & (self.dead < hi)]
                    ok[inside - lo] = False
                found.append(np.flatnonzero(ok).astype(np.int32) + lo)
                lo, step = hi, step * 4
            positions = np.concatenate(found)[:need] if found else EMPTY
        else:
            positions = self.base[self.passing[s.group[self.base]]]
        if self.q.text is None:
            positions = positions[:need]
            return np.full(len(positions), 3, dtype=np.int8), positions
        tiers = self._tiers(positions)
        chosen, taken = [], 0
        for tier in range(4):  # each tier is already in score order
            if taken >= need:
                break
            found = positions[tiers == tier][: need - taken]
            chosen.append(found)
            taken += len(found)
        positions = np.concatenate(chosen) if chosen else positions[:0]
        tiers = np.repeat(np.arange(len(chosen), dtype=np.int8), [len(c) for c in chosen])
        return tiers, positions

    def _tiers(self, positions: np.ndarray) -> np.ndarray:
        s, text = self.s, self.q.text
        tiers = np.full(len(positions), 3, dtype=np.int8)
        if not len(positions):
            return tiers
        every = np.ones(len(positions), dtype=bool)
        mask = np.zeros(s.n, dtype=bool)
        for term in text.terms:
            found = s.name_tokens.of_prefix(term)
            mask[found] = True
            every &= mask[positions]
            mask[found] = False
        tiers[every] = 2
        names = s.name_code[positions]
        lo, hi = s.names.prefix_range(text.phrase)
        tiers[(names >= lo) & (names < hi)] = 1
        exact = s.names.find(text.phrase)
        if exact >= 0:
            tiers[names == exact] = 0
        return tiers
