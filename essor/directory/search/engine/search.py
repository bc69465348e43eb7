"""A search answered by the engine: the snapshot minus the changed entries, plus the changed
entries, evaluated the same way; counts summed, ranked rows merged, the page's rows read from
the database by id (one query)."""

import heapq
import math

from django.db import connection

from essor.directory.search import query as sq
from essor.directory.search.engine import Engine
from essor.directory.search.engine.evaluate import Evaluation, Query
from essor.directory.search.models import SearchIndexState
from essor.directory.search.params import SearchParams


def evaluations(engine: Engine, params: SearchParams, text, center) -> list[Evaluation]:
    query = Query.of(params, text, center)
    parts = [Evaluation(engine.snapshot, query, engine.delta.dead)]
    if engine.delta.rows.n:
        parts.append(Evaluation(engine.delta.rows, query))
    return parts


def counts(parts: list[Evaluation]) -> dict[str, dict]:
    """{facet key: {value: count}} summed over the parts."""
    merged: dict[str, dict] = {}
    for part in parts:
        territory = part.territory_counts(trim=len(parts) == 1)
        for key, bucket in [*part.grouped_counts().items(), territory]:
            into = merged.setdefault(key, {})
            for value, n in bucket.items():
                into[value] = into.get(value, 0) + n
    for key in merged:  # a stable order (the SQL GROUP BY order is unspecified)
        merged[key] = dict(sorted(merged[key].items(), key=lambda kv: str(kv[0])))
    return merged


def page_ids(parts: list[Evaluation], offset: int, size: int) -> list[int]:
    """Ids of the rows [offset, offset + size) in the page order (tier, score DESC, id)."""
    need = offset + size
    streams = []
    for part in parts:
        tiers, positions = part.ranked(need)
        s = part.s
        streams.append(
            zip(
                tiers.tolist(),
                (-s.score[positions]).tolist(),
                s.ids[positions].tolist(),
                strict=True,
            )
        )
    merged = heapq.merge(*streams) if len(streams) > 1 else streams[0]
    return [row[2] for i, row in enumerate(merged) if i >= offset and i < need]


def fetch(ids: list[int]) -> list[dict]:
    if not ids:
        return []
    columns = ", ".join("e." + c for c in sq.ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {sq.TABLE} e WHERE e.id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        found = {row[0]: row for row in cursor.fetchall()}
    return [sq.row_dict(found[i]) for i in ids if i in found]


def stored_unfiltered() -> tuple | None:
    """(facets, total) of the unfiltered search when the index state holds them."""
    data = SearchIndexState.objects.order_by("pk").values_list("facets", flat=True).first()
    if data and "facets" in data:
        return sq.facets_from_json(data["facets"]), data["total"]
    return None


def run(engine: Engine, params: SearchParams, with_facets: bool, page_size: int):
    text, center, messages = sq.resolve(params)
    parts = evaluations(engine, params, text, center)
    total = sum(part.total for part in parts)
    facets = []
    if with_facets:
        stored = stored_unfiltered() if text is None and sq.is_unfiltered(params) else None
        facets = stored[0] if stored else sq.format_facets(params, counts(parts))
    pages = max(1, math.ceil(total / page_size))
    page = min(params.page, pages)
    offset = (page - 1) * page_size
    rows = fetch(page_ids(parts, offset, page_size))
    return sq.SearchResult(
        total, rows, facets, page, pages, text, center, messages,
        total_capped=False, facets_capped=False, cap=sq.COUNT_CAP,
    )  # fmt: skip


def suggest_rows(engine: Engine, text, limit: int) -> list[dict]:
    """query.suggest from the engine: the best `limit` rows of the text alone."""
    parts = evaluations(engine, SearchParams(q=text.phrase), text, None)
    return fetch(page_ids(parts, 0, limit))
