"""Search over the index: `search(params) -> SearchResult(total, rows, facets)`.

Answered by the in-process columnar engine (essor.directory.search.engine: exact counts and
facets, the same ranking) whenever its snapshot of the index is available; by the SQL below
otherwise (while a snapshot is being built, or with the engine turned off). The SQL path is
also what exports and feeds reuse (`filter_sql`).

The same SQL on both databases except the full-text clause (FTS5 MATCH on SQLite, tsvector @@
tsquery on PostgreSQL). Typo tolerance is done in Python over the vocabulary table, so both
databases correct the same way. Ranking: exact name, name prefix, every word in the name, other
fields; then score (size, completeness of the profile).

Facet counts are disjunctive (the counts of a facet ignore that facet's own selection, so
ticking a second value shows what it would add) and computed with one GROUP BY per facet on the
filtered set; the unfiltered counts are precomputed at indexing time.

`filter_sql(params)` is the reusable part (exports, feeds): a WHERE clause and its parameters
over `directory_search_searchentry e`. It is never capped: exports return every matching row.

Bounded work (the page, not the exporters): broad searches are capped at `COUNT_CAP` entries.
- The total is counted exactly up to `COUNT_CAP`; beyond, the page says « plus de 10 000
  résultats » (`SearchResult.total_capped`) and offers the pages of those `COUNT_CAP` only.
- Facet counts computed per request (GROUP BY) read at most `COUNT_CAP` rows; when a count hit
  that bound, the page says « comptes établis sur les 10 000 premiers résultats »
  (`SearchResult.facets_capped`). Counts read from the precomputed unfiltered groups (no text,
  no territory, facet filters only) stay exact.
- A text search with more than `COUNT_CAP` matches ranks (exact name, name prefix, words in the
  name, then score) within the first `COUNT_CAP` matches the database finds (storage order)
  instead of sorting all of them: its first page may miss a better-scored entry further on.
- The région / département facet of a search filtered on family, size band, state, région or
  département only is summed from the precomputed map cells (exact, no scan).
- Results (page, total, facets) are cached for `CACHE_SECONDS` in the Django cache, keyed by
  the index version (bumped by every reindex and actor change) and the normalised query string.
"""

import hashlib
import math
from dataclasses import dataclass, field, replace

import numpy as np
from django.db import connection

from essor.directory.search import facets as fx
from essor.directory.search.models import SearchEntry, SearchIndexState, SearchToken
from essor.directory.search.params import PAGE_SIZE, SearchParams
from essor.directory.search.text import edit_distances, max_typos, tokens

TABLE = SearchEntry._meta.db_table
FTS_TABLE = "directory_search_fts"
COUNT_CAP = 10_000  # exact counts up to this many entries; beyond: « plus de … »
CACHE_SECONDS = 300  # results kept this long per index version and query
KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_EQUATOR = 111.320
ROW_COLUMNS = [
    "id", "siret", "siren", "actor_slug", "name", "enseigne", "sigle", "commune_name",
    "postal_code", "naf_label", "family", "is_open", "is_head_office", "labels", "themes",
    "glat", "glon", "lat", "size_band", "completeness",
]  # fmt: skip


@dataclass
class TextQuery:
    """The query words after normalisation and correction."""

    words: list[str]  # normalised words as typed
    terms: list[str]  # after typo correction
    prefix: bool  # the last term matches as a prefix
    corrected: bool = False

    @property
    def phrase(self) -> str:
        return " ".join(self.terms)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    key: str
    legend: str
    values: list[FacetValue]

    @property
    def any_selected(self) -> bool:
        return any(v.selected for v in self.values)


@dataclass
class Center:
    name: str
    code: str
    lat: float
    lon: float
    radius_km: int


@dataclass
class SearchResult:
    total: int
    rows: list[dict]
    facets: list[Facet] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    text: TextQuery | None = None
    center: Center | None = None
    messages: list[str] = field(default_factory=list)
    total_capped: bool = False  # more than `cap` entries: `total` is the cap
    facets_capped: bool = False  # some facet counts were read on `cap` entries only
    cap: int = COUNT_CAP

    @property
    def cap_label(self) -> str:
        return f"{self.cap:,}".replace(",", "\u202f")


# --- text ----------------------------------------------------------------------------------


def text_query(q: str, prefix: bool = True) -> TextQuery | None:
    words = tokens(q)
    if not words:
        return None
    terms = []
    corrected = False
    for index, word in enumerate(words):
        is_last = index == len(words) - 1
        fixed = correct(word, allow_prefix=prefix and is_last)
        corrected = corrected or fixed != word
        terms.append(fixed)
    last_corrected = terms[-1] != words[-1]
    return TextQuery(words, terms, prefix and not last_corrected, corrected)


def correct(word: str, allow_prefix: bool) -> str:
    """`word` when the index knows it (or, for the word being typed, a word starting with it);
    else the closest known word within 1 edit (≤ 5 letters) or 2 edits, the most frequent on
    ties; else `word` unchanged."""
    if word.isdigit() or SearchToken.objects.filter(token=word).exists():
        return word
    if allow_prefix and len(word) >= 2:
        upper = word[:-1] + chr(ord(word[-1]) + 1)
        if SearchToken.objects.filter(token__gte=word, token__lt=upper).exists():
            return word
    limit = max_typos(word)
    if not limit:
        return word
    candidates = SearchToken.objects.filter(
        first=word[0], length__gte=len(word) - limit, length__lte=len(word) + limit
    ).values_list("token", "frequency")
    rows = list(candidates.iterator(chunk_size=5000))
    distances = edit_distances(word, [token for token, _ in rows])
    best, best_key = word, None
    for at in np.flatnonzero(distances <= limit):  # in the candidates' order: first wins ties
        token, frequency = rows[at]
        key = (int(distances[at]), -frequency)
        if best_key is None or key < best_key:
            best, best_key = token, key
    return best


def text_clause(text: TextQuery) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        parts = [*text.terms[:-1], text.terms[-1] + (":*" if text.prefix else "")]
        return "e.tsv @@ to_tsquery('simple', %s)", [" & ".join(parts)]
    parts = [f'"{t}"' for t in text.terms[:-1]]
    parts.append(f'"{text.terms[-1]}"' + ("*" if text.prefix else ""))
    return (
        f"e.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
        [" ".join(parts)],
    )


def rank_sql(text: TextQuery) -> tuple[str, list]:
    phrase = text.phrase
    words = " AND ".join(["(' ' || e.name_norm) LIKE %s"] * len(text.terms))
    sql = (
        "CASE WHEN e.name_norm = %s THEN 0 WHEN e.name_norm LIKE %s THEN 1 "
        f"WHEN {words} THEN 2 ELSE 3 END"
    )
    return sql, [phrase, phrase + "%", *(f"% {t}%" for t in text.terms)]


# --- filters -------------------------------------------------------------------------------


def territory_communes(territoire: str) -> tuple[str, list]:
    """WHERE part of the widget's fixed territory."""
    kind, _, code = territoire.partition(":")
    column = {
        "commune": "commune_code",
        "epci": "epci_siren",
        "departement": "departement_code",
        "region": "region_code",
    }.get(kind)
    if column:
        return f"e.{column} = %s", [code]
    from essor.territories.lookup import communes_in

    codes = communes_in(kind, code)
    if not codes:
        return "1 = 0", []
    return f"e.commune_code IN ({', '.join(['%s'] * len(codes))})", codes


def locate(autour: str) -> tuple[str, str, float, float] | None:
    """(name, code, lat, lon) of a commune from a code, a postal code, a name or an address
    whose postal code or commune name we know (no external geocoder). Cached one hour."""
    from django.core.cache import cache

    key = "directory_search:locate:" + fold_key(autour)
    found = cache.get(key, "missing")
    if found == "missing":
        found = _locate(autour)
        cache.set(key, found, 3600)
    return tuple(found) if found else None


def fold_key(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.strip().lower().encode()).hexdigest()


def _locate(autour: str) -> tuple[str, str, float, float] | None:
    import re

    from essor.territories.models import Commune
    from essor.territories.search import search_territories

    text = autour.strip()
    if not text:
        return None
    postal = re.search(r"\b(\d{5})\b", text)
    attempts = [postal.group(1)] if postal else []
    attempts += [text, text.split(",")[-1].strip()]
    for attempt in attempts:
        if not attempt:
            continue
        for result in search_territories(attempt, limit=5):
            if result["kind"] == "commune":
                commune = Commune.objects.filter(code=result["code"]).only("lat", "lon").first()
                if commune and commune.lat is not None:
                    return result["name"], result["code"], commune.lat, commune.lon
    return None


def filter_sql(
    params: SearchParams,
    text: TextQuery | None = None,
    center: Center | None = None,
    exclude: str | None = None,
) -> tuple[str, list]:
    """WHERE clause (over `e`) and parameters for `params`; `exclude` leaves one facet out."""
    where, args = ["1 = 1"], []

    def add(sql: str, values: list) -> None:
        where.append(sql)
        args.extend(values)

    def any_of(column: str, values: tuple[str, ...]) -> None:
        if values:
            add(f"e.{column} IN ({', '.join(['%s'] * len(values))})", list(values))

    if text is not None:
        add(*text_clause(text))
    for key, column in (
        ("famille", "family"),
        ("categorie", "legal_category_2"),
        ("secteur", "sector"),
        ("taille", "size_band"),
        ("region", "region_code"),
        ("departement", "departement_code"),
        ("epci", "epci_siren"),
        ("commune", "commune_code"),
    ):
        if key != exclude:
            any_of(column, getattr(params, key))
    for key, column, order in (("theme", "themes", fx.THEMES), ("label", "labels", fx.LABELS)):
        values = getattr(params, key)
        if values and key != exclude:
            mask = sum(1 << order.index(v) for v in values)
            add(f"(e.{column} & %s) <> 0", [mask])
    for key, column in (("employeur", "employer"), ("qpv", "in_qpv"), ("etat", "is_open")):
        value = getattr(params, key)
        if value is not None and key != exclude:
            add(f"e.{column} = %s", [value])
    if params.territoire:
        add(*territory_communes(params.territoire))
    if center is not None:
        dlat = center.radius_km / KM_PER_DEGREE_LAT
        kx = KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(center.lat))
        dlon = center.radius_km / kx
        add(
            "e.glat BETWEEN %s AND %s AND e.glon BETWEEN %s AND %s AND "
            "((e.glat - %s) * %s) * ((e.glat - %s) * %s) + "
            "((e.glon - %s) * %s) * ((e.glon - %s) * %s) <= %s",
            [
                center.lat - dlat, center.lat + dlat, center.lon - dlon, center.lon + dlon,
                center.lat, KM_PER_DEGREE_LAT, center.lat, KM_PER_DEGREE_LAT,
                center.lon, kx, center.lon, kx, float(center.radius_km) ** 2,
            ],
        )  # fmt: skip
    if params.zone and params.bbox:
        add(*bbox_clause(params.bbox))
    return " AND ".join(where), args


def bbox_clause(bbox: tuple[float, float, float, float]) -> tuple[str, list]:
    west, south, east, north = bbox
    return "e.glat BETWEEN %s AND %s AND e.glon BETWEEN %s AND %s", [south, north, west, east]


# --- facets --------------------------------------------------------------------------------


def facet_specs(params: SearchParams) -> list[tuple[str, str, str, dict[str, str] | None]]:
    """(key, legend, column, labels) of the facets to show; territory facets drill down one
    level below the deepest selection."""
    from essor.nomenclatures.models import LegalCategory

    specs: list[tuple[str, str, str, dict | None]] = [
        ("famille", "Famille de l'ESS", "family", fx.FAMILY_LABELS),
        (
            "categorie",
            "Catégorie juridique",
            "legal_category_2",
            dict(LegalCategory.objects.filter(level=2).values_list("code", "label")),
        ),
    ]
    sectors = fx.sector_labels()
    if sectors:
        specs.append(("secteur", "Secteur d'activité", "sector", sectors))
    specs += [
        ("theme", "Champ thématique", "themes", fx.THEME_LABELS),
        ("label", "Label ou agrément", "labels", fx.LABEL_LABELS),
        ("employeur", "Employeur", "employer", {"oui": "Employeur", "non": "Non employeur"}),
        ("taille", "Taille", "size_band", dict(fx.SIZE_BANDS)),
    ]
    key, column = territory_facet(params)
    specs.append((key, TERRITORY_LEGENDS[key], column, None))
    specs += [
        ("qpv", "Quartier prioritaire (QPV)", "in_qpv", {"oui": "En QPV", "non": "Hors QPV"}),
        ("etat", "Situation", "is_open", {"ouvert": "En activité", "ferme": "Fermé"}),
    ]
    return specs


TERRITORY_LIMIT = 40
TERRITORY_LEGENDS = {
    "commune": "Commune", "epci": "Intercommunalité", "departement": "Département",
    "region": "Région",
}  # fmt: skip


def territory_facet(params: SearchParams) -> tuple[str, str]:
    """(key, column) of the territory facet shown: one level below the deepest selection."""
    kind = (params.territoire or "").partition(":")[0]
    if params.epci or params.commune or kind in {"epci", "commune", "perimeter", "qpv"}:
        return "commune", "commune_code"
    if params.departement or kind == "departement":
        return "epci", "epci_siren"
    if params.region or kind == "region":
        return "departement", "departement_code"
    return "region", "region_code"


def territory_labels(key: str, codes: list[str]) -> dict[str, str]:
    from essor.territories.models import Commune, Departement, Epci, Region

    model, field_name = {
        "region": (Region, "code"),
        "departement": (Departement, "code"),
        "epci": (Epci, "siren"),
        "commune": (Commune, "code"),
    }[key]
    rows = model.objects.filter(**{f"{field_name}__in": codes}).values_list(field_name, "name")
    return {code: name for code, name in rows}


# Facets counted together from one GROUP BY over their combined values (a few thousand groups):
# (key, column, kind) with kind "value", "bool" or "bits".
GROUPED = [
    ("famille", "family", "value"),
    ("categorie", "legal_category_2", "value"),
    ("secteur", "sector", "value"),
    ("taille", "size_band", "value"),
    ("employeur", "employer", "bool"),
    ("qpv", "in_qpv", "bool"),
    ("etat", "is_open", "bool"),
    ("theme", "themes", "bits"),
    ("label", "labels", "bits"),
]
BOOL_KEYS = {"employeur": ("oui", "non"), "qpv": ("oui", "non"), "etat": ("ouvert", "ferme")}
CLEARED = {
    "famille": (), "categorie": (), "secteur": (), "taille": (), "employeur": None,
    "qpv": None, "etat": None, "theme": (), "label": (),
}  # fmt: skip


def _selection_test(params: SearchParams, key: str, kind: str):
    """A predicate on a group's value for the selection of facet `key` (None: no selection)."""
    selected = getattr(params, key)
    if kind == "bool":
        if selected is None:
            return None
        return lambda value: value is not None and bool(value) == selected
    if not selected:
        return None
    if kind == "bits":
        order = fx.THEMES if key == "theme" else fx.LABELS
        mask = sum(1 << order.index(v) for v in selected)
        return lambda value: bool((value or 0) & mask)
    chosen = set(selected)
    return lambda value: value in chosen


def query_groups(base: SearchParams, text, center, limit: int | None = None) -> list[tuple]:
    """The GROUP BY of the filtered set over the GROUPED columns; with `limit`, of its first
    `limit` rows only (a bounded sample: their counts sum to `limit` when it was reached)."""
    where, args = filter_sql(base, text, center)
    names = [column for _, column, _ in GROUPED]
    columns = ", ".join(f"e.{column}" for column in names)
    with connection.cursor() as cursor:
        if limit is None:
            cursor.execute(
                f"SELECT {columns}, COUNT(*) FROM {TABLE} e WHERE {where} GROUP BY {columns}", args
            )
        else:
            inner = ", ".join(f"s.{column}" for column in names)
            cursor.execute(
                f"SELECT {inner}, COUNT(*) FROM (SELECT {columns} FROM {TABLE} e WHERE {where} "
                f"LIMIT %s) s GROUP BY {inner}",
                [*args, limit],
            )
        return cursor.fetchall()


_GROUPS_CACHE: dict[str, list[tuple]] = {}


def unfiltered_groups() -> list[tuple]:
    """The GROUP BY of the whole index, kept in the index state (computed once per version)
    and in this process's memory."""
    version = index_key()  # the version alone repeats after a full rebuild
    if version not in _GROUPS_CACHE:
        cached = cached_unfiltered(with_groups=True)
        if cached:
            groups = [tuple(g) for g in cached[2]]
        else:
            groups = query_groups(SearchParams(), None, None)
        _GROUPS_CACHE.clear()
        _GROUPS_CACHE[version] = groups
    return _GROUPS_CACHE[version]


def grouped_counts(
    params: SearchParams,
    text,
    center,
    groups: list[tuple] | None = None,
    limit: int | None = None,
    sampled: list | None = None,
) -> tuple[dict[str, dict], int]:
    """Disjunctive counts of the GROUPED facets and the total of the filtered set, from one
    query: the SQL keeps the text, territory and distance filters; the facet selections are
    applied in Python, each facet's counts ignoring its own selection."""
    base = replace(params, **CLEARED)
    if groups is not None:
        pass
    elif text is None and center is None and is_unfiltered(base):
        groups = unfiltered_groups()  # facet filters only: the precomputed groups
    else:
        groups = query_groups(base, text, center, limit)
        if limit is not None and sampled is not None and sum(g[-1] for g in groups) >= limit:
            sampled.append("groups")
    tests = [_selection_test(params, key, kind) for key, _, kind in GROUPED]
    counts: dict[str, dict] = {key: {} for key, _, _ in GROUPED}
    total = 0
    for group in groups:
        n = group[-1]
        failing = [i for i, test in enumerate(tests) if test is not None and not test(group[i])]
        if len(failing) > 1:
            continue
        if not failing:
            total += n
        for i, (key, _column, kind) in enumerate(GROUPED):
            if failing and failing[0] != i:
                continue
            value = group[i]
            bucket = counts[key]
            if kind == "bits":
                bit, index = value or 0, 0
                order = fx.THEMES if key == "theme" else fx.LABELS
                while bit:
                    if bit & 1:
                        name = order[index]
                        bucket[name] = bucket.get(name, 0) + n
                    bit >>= 1
                    index += 1
            elif kind == "bool":
                if value is not None:
                    name = BOOL_KEYS[key][0 if value else 1]
                    bucket[name] = bucket.get(name, 0) + n
            elif value:
                bucket[value] = bucket.get(value, 0) + n
    return counts, total


def compute_facets(
    params: SearchParams, text: TextQuery | None, center: Center | None
) -> list[Facet]:
    return compute_facets_and_total(params, text, center)[0]


def compute_facets_and_total(
    params: SearchParams,
    text: TextQuery | None,
    center: Center | None,
    groups: list[tuple] | None = None,
    limit: int | None = None,
    sampled: list | None = None,
) -> tuple[list[Facet], int]:
    """Facets and the total of the filtered set. With `limit`, every GROUP BY run here reads at
    most `limit` rows; `sampled` then receives a mark per GROUP BY that reached it (the total
    and those counts are lower bounds)."""
    grouped, total = grouped_counts(params, text, center, groups, limit, sampled)
    counts_by_key: dict[str, dict] = dict(grouped)
    key, column = territory_facet(params)
    cells = territory_from_cells(params, key) if text is None and center is None else None
    if cells:
        counts_by_key[key] = cells
    else:  # the territory level shown: its own GROUP BY
        counts_by_key[key] = territory_group_by(params, text, center, key, column, limit, sampled)
    return format_facets(params, counts_by_key), total


def territory_group_by(params, text, center, key, column, limit, sampled) -> dict[str, int]:
    where, args = filter_sql(params, text, center, exclude=key)
    with connection.cursor() as cursor:
        if limit is None:
            cursor.execute(
                f"SELECT e.{column}, COUNT(*) FROM {TABLE} e WHERE {where} GROUP BY e.{column}",
                args,
            )
        else:
            cursor.execute(
                f"SELECT s.{column}, COUNT(*) FROM (SELECT e.{column} FROM {TABLE} e "
                f"WHERE {where} LIMIT %s) s GROUP BY s.{column}",
                [*args, limit],
            )
        fetched = cursor.fetchall()
    if limit is not None and sampled is not None and sum(n for _, n in fetched) >= limit:
        sampled.append(key)
    return {value: n for value, n in fetched if value}


def format_facets(params: SearchParams, counts_by_key: dict[str, dict]) -> list[Facet]:
    """The facets to show, from {facet key: {value: count}} (labels, order, the territory
    facet's top values)."""
    facets = []
    for key, legend, _column, labels in facet_specs(params):
        selected = getattr(params, key)
        counts = counts_by_key.get(key, {})
        if key in BOOL_KEYS:
            names = BOOL_KEYS[key]
            selected_values = set() if selected is None else {names[0] if selected else names[1]}
        else:
            selected_values = set(selected)
        if labels is None:
            top = sorted(counts.items(), key=lambda kv: -kv[1])[:TERRITORY_LIMIT]
            keep = {code for code, _ in top} | selected_values
            counts = {code: n for code, n in counts.items() if code in keep}
            labels = territory_labels(key, list(counts))
            ordered = sorted(counts, key=lambda c: labels.get(c, c))
        else:
            ordered = [v for v in labels if v in counts or v in selected_values]
            ordered += sorted(v for v in counts if v not in labels)
        values = [
            FacetValue(v, labels.get(v, v), counts.get(v, 0), v in selected_values) for v in ordered
        ]
        facets.append(Facet(key, legend, values))
    return facets


def territory_from_cells(params: SearchParams, key: str) -> dict[str, int] | None:
    """Counts of the région or département facet from the precomputed map cells, when the
    search filters on the cells' columns only; None otherwise."""
    from essor.directory.search import mapagg

    if key not in ("region", "departement"):
        return None
    others = replace(params, **{key: ()})
    if not mapagg.cells_apply(others) or others.zone:
        return None
    return mapagg.cell_counts(others, mapagg.CELL_FACETS[key])


def facets_to_json(facets: list[Facet]) -> list[dict]:
    return [
        {
            "key": f.key,
            "legend": f.legend,
            "values": [[v.value, v.label, v.count] for v in f.values],
        }
        for f in facets
    ]


def facets_from_json(data: list[dict]) -> list[Facet]:
    return [
        Facet(f["key"], f["legend"], [FacetValue(v, label, n) for v, label, n in f["values"]])
        for f in data
    ]


def unfiltered_facets() -> dict:
    groups = query_groups(SearchParams(), None, None)
    facets, total = compute_facets_and_total(SearchParams(), None, None, groups)
    return {"total": total, "facets": facets_to_json(facets), "groups": groups}


def is_unfiltered(params: SearchParams) -> bool:
    """No search state but the page and the map position."""
    if params.zone:
        return False
    return replace(params, page=1, bbox=None, rayon=SearchParams.rayon) == SearchParams()


# --- search --------------------------------------------------------------------------------


def resolve(params: SearchParams, prefix: bool = True):
    """(text query, centre, messages) for params."""
    messages = []
    text = text_query(params.q, prefix=prefix) if params.q else None
    center = None
    if params.autour:
        found = locate(params.autour)
        if found is None:
            messages.append(
                f"Lieu introuvable : « {params.autour} ». Indiquez une commune ou un code postal."
            )
        else:
            name, code, lat, lon = found
            center = Center(name, code, lat, lon, params.rayon)
    return text, center, messages


def index_key(state: tuple | None | bool = False) -> str:
    """Identifies the index's content: its version (bumped by every reindex and actor change)
    and the time of its last full build. `state`: the (pk, version, built_at, …) row when
    already read."""
    if state is False:
        state = SearchIndexState.objects.order_by("pk").values_list("pk", "version", "built_at")
        state = state.first()
    if state is None:
        return "none"
    pk, version, built_at = state[:3]
    return f"{pk}.{version}.{built_at.timestamp() if built_at else 0}"


def cached_call(kind: str, key: str, compute, state: tuple | None | bool = False):
    """`compute()` through the Django cache, keyed by the index version and `key`."""
    from django.core.cache import cache

    if CACHE_SECONDS <= 0:
        return compute()
    digest = hashlib.sha1(f"{connection.vendor}|{index_key(state)}|{key}".encode()).hexdigest()
    full_key = f"directory_search:{kind}:{digest}"
    found = cache.get(full_key)
    if found is None:
        found = compute()
        cache.set(full_key, found, CACHE_SECONDS)
    return found


def search(params: SearchParams, with_facets: bool = True, page_size: int = PAGE_SIZE):
    """The page of results, the total and the facets of `params`: from the columnar engine
    (exact, see essor.directory.search.engine) when it is available, else from SQL (bounded
    work, see the module docstring); cached per index version."""
    from essor.directory.search import engine

    state = engine.current_state()
    query = params.to_query() if params.zone else params.to_query(bbox=None)
    key = f"{query}|{with_facets}|{page_size}|{COUNT_CAP}"
    return cached_call(
        "search", key, lambda: search_now(params, with_facets, page_size, state), state
    )


def search_now(params: SearchParams, with_facets: bool, page_size: int, state) -> SearchResult:
    from essor.directory.search import engine
    from essor.directory.search.engine.search import run

    found = engine.engine_for(state)
    if found is not None:
        return run(found, params, with_facets, page_size)
    return _search(params, with_facets, page_size)


def capped_count(where: str, args: list, cap: int) -> int:
    """The number of rows matching `where`, counted up to cap + 1."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {TABLE} e WHERE {where} LIMIT %s) s",
            [*args, cap + 1],
        )
        return cursor.fetchone()[0]


def _search(params: SearchParams, with_facets: bool, page_size: int) -> SearchResult:
    text, center, messages = resolve(params)
    where, args = filter_sql(params, text, center)
    cap = COUNT_CAP
    facets, total, sampled = [], None, []
    if with_facets:
        cached = cached_unfiltered() if is_unfiltered(params) and text is None else None
        if cached:
            facets, total = cached
        else:
            facets, total = compute_facets_and_total(
                params, text, center, limit=cap, sampled=sampled
            )
            if "groups" in sampled:
                total = None  # a lower bound: count it (up to the cap)
    total_capped = False
    if total is None:
        total = capped_count(where, args, cap)
        if total > cap:
            total, total_capped = cap, True
    pages = max(1, math.ceil(total / page_size))
    page = min(params.page, pages)
    offset = (page - 1) * page_size
    columns = ", ".join("e." + c for c in ROW_COLUMNS)
    order, order_args = "e.score DESC, e.id", []
    source, source_args = f"{TABLE} e WHERE {where}", list(args)
    if text is not None:
        rank, order_args = rank_sql(text)
        order = f"{rank}, {order}"
        if total_capped:  # rank within the first `cap` matches found (no sort of all matches)
            source = f"{TABLE} e WHERE e.id IN (SELECT e.id FROM {TABLE} e WHERE {where} LIMIT %s)"
            source_args = [*args, cap]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {source} ORDER BY {order} LIMIT %s OFFSET %s",
            [*source_args, *order_args, min(page_size, total - offset), offset],
        )
        rows = [row_dict(r) for r in cursor.fetchall()]
    return SearchResult(
        total, rows, facets, page, pages, text, center, messages,
        total_capped=total_capped, facets_capped=bool(sampled), cap=cap,
    )  # fmt: skip


def cached_unfiltered(with_groups: bool = False):
    """(facets, total[, groups]) of the unfiltered search, computed once per index version."""
    state = SearchIndexState.objects.order_by("pk").only("facets").first()
    if state is None:
        return None
    if not state.facets or "groups" not in state.facets:
        state.facets = unfiltered_facets()
        SearchIndexState.objects.filter(pk=state.pk).update(facets=state.facets)
    data = state.facets
    facets = facets_from_json(data["facets"])
    return (facets, data["total"], data["groups"]) if with_groups else (facets, data["total"])


def row_dict(row: tuple) -> dict:
    data = dict(zip(ROW_COLUMNS, row, strict=True))
    exact = data.pop("lat") is not None
    data["approximate"] = not exact  # commune centroid only (partial diffusion or no point)
    data["label_names"] = [
        fx.LABEL_LABELS[v] for v in fx.bits_to_values(data["labels"] or 0, fx.LABELS)
    ]
    data["family_label"] = fx.FAMILY_LABELS.get(data["family"], "")
    return data


def suggest(q: str, limit: int = 8) -> list[dict]:
    """Names for search as you type: the best `limit` entries for the prefix query."""
    text = text_query(q, prefix=True)
    if text is None:
        return []
    from essor.directory.search import engine

    found = engine.engine_for(engine.current_state())
    if found is not None:
        from essor.directory.search.engine.search import suggest_rows

        return suggest_rows(found, text, limit)
    where, args = text_clause(text)
    rank, rank_args = rank_sql(text)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join('e.' + c for c in ROW_COLUMNS)} FROM {TABLE} e WHERE {where} "
            f"ORDER BY {rank}, e.score DESC, e.id LIMIT %s",
            [*args, *rank_args, limit],
        )
        return [row_dict(r) for r in cursor.fetchall()]
