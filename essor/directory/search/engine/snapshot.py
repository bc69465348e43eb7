"""A columnar snapshot of SearchEntry rows: what the engine evaluates searches on.

Rows are in the page order (score DESC, id), so a row's position IS its default rank. Facet
columns are dictionary-encoded (small ints, dictionary in `values`); the facet columns the
page's GROUPED facets count on are combined into one « group » per distinct combination, so
that counting them is one bincount; names are codes in sorted order (« the name starts with
the phrase » is a code range); the text of every row (text_norm) and of its name (name_norm)
are indexed as CSR postings (sorted vocabulary, offsets, row positions ascending).

The same builder makes the big snapshot (the whole table, written to disk at reindex) and the
small delta snapshot (the rows changed since, read at each index version)."""

from array import array
from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np

# Dictionary-encoded columns (SearchEntry field names).
CODED = [
    "family", "legal_category_2", "sector", "size_band", "employer", "in_qpv", "is_open",
    "commune_code", "epci_siren", "departement_code", "region_code",
]  # fmt: skip
# Columns combined into groups (query.GROUPED's columns).
GROUPED = [
    "family", "legal_category_2", "sector", "size_band", "employer", "in_qpv", "is_open",
    "themes", "labels",
]  # fmt: skip
SELECT = [
    "id", "score", *CODED, "themes", "labels", "glat", "glon", "tx", "ty", "name_norm", "text_norm",
]  # fmt: skip


class Words:
    """A sorted list of ASCII words stored as one byte blob and offsets (mmap-friendly)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self.blob, self.offsets = blob, offsets

    @classmethod
    def build(cls, words: list[str]) -> "Words":
        data = "".join(words).encode("ascii", "replace")
        lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return cls(np.frombuffer(data, dtype=np.uint8).copy(), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("ascii")

    def find(self, word: str) -> int:
        """Index of `word`, or -1."""
        i = bisect_left(self, word)
        return i if i < len(self) and self[i] == word else -1

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """[lo, hi) of the words starting with `prefix` (words are [a-z0-9 ]: \\x7f is above)."""
        return bisect_left(self, prefix), bisect_left(self, prefix + "\x7f")


@dataclass
class Postings:
    words: Words
    offsets: np.ndarray  # int64[len(words) + 1]
    positions: np.ndarray  # int32, ascending within each word

    def of(self, word: str) -> np.ndarray:
        i = self.words.find(word)
        if i < 0:
            return self.positions[:0]
        return self.positions[self.offsets[i] : self.offsets[i + 1]]

    def of_prefix(self, prefix: str) -> np.ndarray:
        """Positions of every word starting with `prefix`, concatenated (not unique)."""
        lo, hi = self.words.prefix_range(prefix)
        return self.positions[self.offsets[lo] : self.offsets[hi]]


@dataclass
class Snapshot:
    n: int
    ids: np.ndarray  # int64, position order
    score: np.ndarray  # float64
    codes: dict[str, np.ndarray]  # CODED column -> int32 codes
    values: dict[str, list]  # CODED column -> its dictionary (code -> value)
    themes: np.ndarray  # int64 bit masks
    labels: np.ndarray
    glat: np.ndarray  # float64, NaN when unknown
    glon: np.ndarray
    tx: np.ndarray  # int32 map cell at models.GRID_ZOOM, -1 when unknown
    ty: np.ndarray
    name_code: np.ndarray  # int32 code in `names` (sorted)
    names: Words
    text: Postings
    name_tokens: Postings
    group: np.ndarray  # int32 group of each row
    group_columns: dict[str, np.ndarray]  # GROUPED column -> value per group (codes or bits)
    # Lookup structures derived from the columns (see `derive`), saved with them.
    derived: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # derived arrays, computed on first use

    @property
    def group_count(self) -> int:
        return len(self.group_columns["family"])

    def id_index(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids sorted, their positions) for id -> position lookups."""
        if "id_index" not in self.cache:
            order = np.argsort(self.ids, kind="stable")
            self.cache["id_index"] = (self.ids[order], order.astype(np.int32))
        return self.cache["id_index"]

    def positions_of_ids(self, ids) -> np.ndarray:
        if not len(ids) or not self.n:
            return np.zeros(0, dtype=np.int32)
        sorted_ids, order = self.id_index()
        wanted = np.asarray(sorted(set(ids)), dtype=np.int64)
        at = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
        found = sorted_ids[at] == wanted
        return np.sort(order[at[found]])

    def group_totals(self) -> np.ndarray:
        if "group_totals" not in self.cache:
            self.cache["group_totals"] = np.bincount(self.group, minlength=self.group_count)
        return self.cache["group_totals"]

    def positions_with(self, column: str, codes: list[int]) -> np.ndarray:
        """Sorted positions of the rows whose `column` has one of `codes` (POSITIONED)."""
        order, offsets = self.derived[f"{column}.order"], self.derived[f"{column}.offsets"]
        parts = [order[offsets[c] : offsets[c + 1]] for c in codes]
        if not parts:
            return order[:0]
        return parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))

    def latitude_band(self, low: float, high: float) -> np.ndarray:
        """Sorted positions of the rows with low <= glat <= high."""
        ordered = self.derived["glat.sorted"]
        start = np.searchsorted(ordered, low, side="left")
        end = np.searchsorted(ordered, high, side="right")
        return np.sort(self.derived["glat.order"][start:end])

    def group_by(self, column: str) -> np.ndarray:
        """int64[groups, values]: rows per group and value of a CODED column (whole table)."""
        key = ("group_by", column)
        if key not in self.cache:
            width = len(self.values[column])
            flat = self.group.astype(np.int64) * width + self.codes[column]
            counts = np.bincount(flat, minlength=self.group_count * width)
            self.cache[key] = counts.reshape(self.group_count, width)
        return self.cache[key]


POSITIONED = ["commune_code", "epci_siren", "departement_code", "region_code"]


def derive(snapshot: "Snapshot") -> None:
    """Rows grouped by territory code (CSR) and ordered by latitude (distance and zone
    filters read a latitude band instead of every row)."""
    for column in POSITIONED:
        codes = snapshot.codes[column]
        width = len(snapshot.values[column])
        snapshot.derived[f"{column}.order"] = np.argsort(codes, kind="stable").astype(np.int32)
        offsets = np.zeros(width + 1, dtype=np.int64)
        np.cumsum(np.bincount(codes, minlength=width), out=offsets[1:])
        snapshot.derived[f"{column}.offsets"] = offsets
    order = np.argsort(snapshot.glat, kind="stable")  # NaN (no position) last
    snapshot.derived["glat.order"] = order.astype(np.int32)
    snapshot.derived["glat.sorted"] = snapshot.glat[order]


def postings(rows_tokens, count_hint: int = 0) -> Postings:
    """CSR postings from an iterable of (position, tokens) with ascending positions."""
    vocabulary: dict[str, int] = {}
    token_ids, token_pos = array("i"), array("i")
    for position, tokens in rows_tokens:
        for token in set(tokens):
            token_id = vocabulary.get(token)
            if token_id is None:
                token_id = vocabulary[token] = len(vocabulary)
            token_ids.append(token_id)
            token_pos.append(position)
    words = sorted(vocabulary)
    rank = np.empty(len(words), dtype=np.int32)
    rank[np.fromiter((vocabulary[w] for w in words), dtype=np.int64, count=len(words))] = np.arange(
        len(words), dtype=np.int32
    )
    tokens_np = rank[np.frombuffer(token_ids, dtype=np.int32)] if token_ids else rank[:0]
    order = np.argsort(tokens_np, kind="stable")
    positions = np.frombuffer(token_pos, dtype=np.int32)[order] if token_pos else rank[:0]
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.bincount(tokens_np, minlength=len(words)), out=offsets[1:])
    return Postings(Words.build(words), offsets, positions.astype(np.int32))


def _encode(column: list) -> tuple[np.ndarray, list]:
    dictionary: dict = {}
    codes = np.fromiter(
        (dictionary.setdefault(v, len(dictionary)) for v in column), dtype=np.int32,
        count=len(column),
    )  # fmt: skip
    return codes, list(dictionary)


def _groups(codes: dict[str, np.ndarray], themes, labels) -> tuple[np.ndarray, dict]:
    parts = [codes[c] for c in GROUPED[:7]] + [themes, labels]
    stacked = np.stack([np.asarray(p, dtype=np.int64) for p in parts], axis=1)
    if not len(stacked):
        return np.zeros(0, np.int32), {c: np.zeros(0, np.int64) for c in GROUPED}
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    columns = {c: np.ascontiguousarray(unique[:, i]) for i, c in enumerate(GROUPED)}
    return inverse.reshape(-1).astype(np.int32), columns


def build(rows) -> Snapshot:
    """A snapshot from rows of `SELECT` columns in (score DESC, id) order (any iterable of
    tuples; consumed once)."""
    columns: list[list] = [[] for _ in SELECT]
    for chunk in _chunks(rows, 50_000):
        for i, values in enumerate(zip(*chunk, strict=True)):
            columns[i].extend(values)
    data = dict(zip(SELECT, columns, strict=True))
    n = len(data["id"])
    codes, values = {}, {}
    for column in CODED:
        codes[column], values[column] = _encode(data.pop(column))
    themes = np.array(data.pop("themes"), dtype=np.int64).reshape(-1)
    labels = np.array(data.pop("labels"), dtype=np.int64).reshape(-1)
    group, group_columns = _groups(codes, themes, labels)
    name_norm = data.pop("name_norm")
    names = sorted(set(name_norm))
    name_index = {name: i for i, name in enumerate(names)}
    name_code = np.fromiter((name_index[v] for v in name_norm), dtype=np.int32, count=n)
    name_tokens = postings((p, v.split()) for p, v in enumerate(name_norm))
    del name_norm, name_index
    text = postings((p, v.split()) for p, v in enumerate(data.pop("text_norm")))

    def floats(values: list) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    def ints(values: list) -> np.ndarray:
        return np.array([-1 if v is None else v for v in values], dtype=np.int32).reshape(-1)

    snapshot = Snapshot(
        n=n, ids=np.array(data["id"], dtype=np.int64).reshape(-1),
        score=floats(data["score"]).reshape(-1), codes=codes, values=values, themes=themes,
        labels=labels, glat=floats(data["glat"]).reshape(-1),
        glon=floats(data["glon"]).reshape(-1), tx=ints(data["tx"]), ty=ints(data["ty"]),
        name_code=name_code, names=Words.build(names),
        text=text, name_tokens=name_tokens, group=group, group_columns=group_columns,
    )  # fmt: skip
    derive(snapshot)
    return snapshot


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
