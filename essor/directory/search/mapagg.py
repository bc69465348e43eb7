"""Map data: the entries of a search inside a viewport, as grid cells with counts or, below a
threshold, as single points (name, link). Cells come from the precomputed Web Mercator cell
(tx, ty) of each entry, shifted to the zoom, so one GROUP BY serves every zoom level.

Positions: an entry under partial diffusion is placed at its commune centroid (`glat/glon`) and
flagged approximate; its exact point is never read here.

Low zooms (≤ MAP_CELL_MAX_ZOOM, France or a région on screen) read precomputed cells
(SearchMapCell: counts and position sums per zoom × cell × family, size band, state, région,
département) when the search filters on those facets only: no GROUP BY over a million entries.
Those cells are whole: a cell crossing the viewport's edge counts all its entries (the live
aggregation counts only those inside). Below POINT_LIMIT entries the live query runs (points).
Other searches are aggregated by the columnar engine when it is available (engine/maps.py),
else by SQL (live_map_data). Answers are cached per index version (query.cached_call).
"""

from dataclasses import replace

from django.db import connection

from essor.directory.search.models import GRID_ZOOM, SearchMapCell
from essor.directory.search.params import SearchParams
from essor.directory.search.query import (
    TABLE,
    bbox_clause,
    cached_call,
    filter_sql,
    resolve,
)

POINT_LIMIT = 300  # at most this many entries in the viewport: single points
MAX_CELLS = 2500  # beyond: coarser cells (keeps the answer well under 300 KB)
CELLS_PER_TILE_LOG2 = 2  # 4 × 4 cells of 64 px in each 256 px tile


MAP_CELL_MAX_ZOOM = 8
CELL_TABLE = SearchMapCell._meta.db_table
# Facet key of the search → column of the precomputed cells.
CELL_FACETS = {
    "famille": "family",
    "taille": "size_band",
    "region": "region_code",
    "departement": "departement_code",
}
CELL_KEYS = ["family", "size_band", "is_open", "region_code", "departement_code"]


def map_data(params: SearchParams, bbox: tuple[float, float, float, float], zoom: int) -> dict:
    """Cells or points of `params` in `bbox` at tile zoom `zoom` (cached per index version)."""
    box = ",".join(f"{v:.4f}" for v in bbox)
    query = params.to_query(page=1) if params.zone else params.to_query(page=1, bbox=None)
    key = f"{query}|{box}|{int(zoom)}"
    return cached_call("map", key, lambda: _map_data(params, bbox, zoom))


def _map_data(params: SearchParams, bbox: tuple[float, float, float, float], zoom: int) -> dict:
    zoom = max(0, min(int(zoom), GRID_ZOOM))
    if zoom <= MAP_CELL_MAX_ZOOM and cells_apply(params):
        found = precomputed(params, bbox, zoom)
        if found is not None:
            return found
    from essor.directory.search import engine

    columnar = engine.engine_for(engine.current_state())
    if columnar is not None:  # the same answer as live_map_data, without its GROUP BY
        from essor.directory.search.engine.maps import map_data as engine_map_data

        return engine_map_data(columnar, params, bbox, zoom)
    return live_map_data(params, bbox, zoom)


def cells_apply(params: SearchParams) -> bool:
    """The search filters on the precomputed cells' facets only."""
    cleared = replace(
        params, famille=(), taille=(), region=(), departement=(), etat=None,
        zone=False, bbox=None, page=1, rayon=SearchParams.rayon,
    )  # fmt: skip
    return cleared == SearchParams()


def cell_filter(params: SearchParams) -> tuple[str, list]:
    where, args = [], []
    for key, column in CELL_FACETS.items():
        values = getattr(params, key)
        if values:
            where.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
            args.extend(values)
    if params.etat is not None:
        where.append("is_open = %s")
        args.append(params.etat)
    return " AND ".join(where) or "1 = 1", args


def cell_counts(params: SearchParams, column: str) -> dict[str, int] | None:
    """{value: entries} of a cell column for `params` (cell facets only), from the zoom 0
    cells; None when the cells are not built, or when an entry without a position (not in the
    cells) has a value in that column."""
    with connection.cursor() as cursor:
        if not SearchMapCell.objects.filter(zoom=0).exists():
            return None
        cursor.execute(
            f"SELECT 1 FROM {TABLE} e WHERE (e.glat IS NULL OR e.tx IS NULL) "
            f"AND e.{column} <> '' LIMIT 1"
        )
        if cursor.fetchone():
            return None
        where, args = cell_filter(params)
        cursor.execute(
            f"SELECT {column}, SUM(n) FROM {CELL_TABLE} WHERE zoom = 0 AND {where} "
            f"GROUP BY {column}",
            args,
        )
        return {value: int(n) for value, n in cursor.fetchall() if value and n}


def precomputed(params: SearchParams, bbox, zoom: int) -> dict | None:
    """The cells of `params` from SearchMapCell; None when they are not built or when the
    viewport holds few enough entries for points."""
    from essor.directory.search.indexer import tile_xy

    if not SearchMapCell.objects.filter(zoom=0).exists():
        return None
    west, south, east, north = bbox
    x0, y0 = tile_xy(north, west)
    x1, y1 = tile_xy(south, east)
    where, args = cell_filter(params)
    cell_zoom = zoom
    with connection.cursor() as cursor:
        while True:
            shift = GRID_ZOOM - cell_zoom - CELLS_PER_TILE_LOG2
            cursor.execute(
                f"SELECT cx, cy, SUM(n), SUM(lat_sum), SUM(lon_sum) FROM {CELL_TABLE} "
                f"WHERE zoom = %s AND cx BETWEEN %s AND %s AND cy BETWEEN %s AND %s AND {where} "
                "GROUP BY cx, cy",
                [cell_zoom, x0 >> shift, x1 >> shift, y0 >> shift, y1 >> shift, *args],
            )
            rows = [row for row in cursor.fetchall() if row[2]]
            if len(rows) <= MAX_CELLS or cell_zoom == 0:
                break
            cell_zoom -= 1
    total = sum(row[2] for row in rows)
    if total <= POINT_LIMIT:
        return None
    cells = [
        {"n": n, "lat": round(lat / n, 4), "lon": round(lon / n, 4)} for _x, _y, n, lat, lon in rows
    ]
    return {"total": total, "zoom": zoom, "cells": cells, "points": []}


CELL_INSERT = (
    f"INSERT INTO {CELL_TABLE} (zoom, cx, cy, {', '.join(CELL_KEYS)}, n, lat_sum, lon_sum) "
)


def build_cells() -> int:
    """Rebuilds SearchMapCell from the index: the finest zoom from the entries, each coarser
    one from the zoom below. Returns the number of cells."""
    keys = ", ".join(CELL_KEYS)
    finest = MAP_CELL_MAX_ZOOM
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CELL_TABLE}")
        divisor = 1 << (GRID_ZOOM - finest - CELLS_PER_TILE_LOG2)
        cursor.execute(
            CELL_INSERT + f"SELECT %s, e.tx / {divisor:d}, e.ty / {divisor:d}, {keys}, COUNT(*), "
            f"SUM(e.glat), SUM(e.glon) FROM {TABLE} e WHERE e.tx IS NOT NULL AND e.ty IS NOT NULL "
            f"AND e.glat IS NOT NULL AND e.glon IS NOT NULL "
            f"GROUP BY e.tx / {divisor:d}, e.ty / {divisor:d}, {keys}",
            [finest],
        )
        for zoom in range(finest - 1, -1, -1):
            cursor.execute(
                CELL_INSERT + f"SELECT %s, cx / 2, cy / 2, {keys}, SUM(n), SUM(lat_sum), "
                f"SUM(lon_sum) FROM {CELL_TABLE} WHERE zoom = %s GROUP BY cx / 2, cy / 2, {keys}",
                [zoom, zoom + 1],
            )
        cursor.execute(f"SELECT COUNT(*) FROM {CELL_TABLE}")
        return cursor.fetchone()[0]


def adjust_cells(where: str, params: list, sign: int) -> None:
    """Adds (sign 1) or removes (sign -1) the entries matching `where` (over the entry table,
    unaliased) to or from the precomputed cells, when they are built."""
    if not SearchMapCell.objects.filter(zoom=0).exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tx, ty, {', '.join(CELL_KEYS)}, glat, glon FROM {TABLE} WHERE ({where}) "
            "AND tx IS NOT NULL AND ty IS NOT NULL AND glat IS NOT NULL AND glon IS NOT NULL",
            params,
        )
        entries = cursor.fetchall()
        match = " AND ".join(f"{key} = %s" for key in ("zoom", "cx", "cy", *CELL_KEYS))
        for tx, ty, *values, glat, glon in entries:
            for zoom in range(MAP_CELL_MAX_ZOOM + 1):
                shift = GRID_ZOOM - zoom - CELLS_PER_TILE_LOG2
                key = [zoom, tx >> shift, ty >> shift, *values]
                cursor.execute(
                    f"UPDATE {CELL_TABLE} SET n = n + %s, lat_sum = lat_sum + %s, "
                    f"lon_sum = lon_sum + %s WHERE {match}",
                    [sign, sign * glat, sign * glon, *key],
                )
                if cursor.rowcount == 0 and sign > 0:
                    cursor.execute(
                        CELL_INSERT + f"VALUES ({', '.join(['%s'] * (len(key) + 3))})",
                        [*key, 1, glat, glon],
                    )
        cursor.execute(f"DELETE FROM {CELL_TABLE} WHERE n <= 0")


def live_map_data(params: SearchParams, bbox, zoom: int) -> dict:
    """The aggregation of the matching entries of the viewport (any search)."""
    text, center, _messages = resolve(params)
    where, args = filter_sql(params, text, center)
    box, box_args = bbox_clause(bbox)
    where, args = f"{where} AND {box}", [*args, *box_args]
    shift = max(0, GRID_ZOOM - zoom - CELLS_PER_TILE_LOG2)
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT e.tx / %s AS cx, e.ty / %s AS cy, COUNT(*), AVG(e.glat), AVG(e.glon) "
                f"FROM {TABLE} e WHERE {where} GROUP BY cx, cy",
                [1 << shift, 1 << shift, *args],
            )
            rows = cursor.fetchall()
            if len(rows) <= MAX_CELLS or shift >= GRID_ZOOM:
                break
            shift += 1
        total = sum(row[2] for row in rows)
        if total <= POINT_LIMIT:
            cursor.execute(
                f"SELECT e.id, e.name, e.actor_slug, e.glat, e.glon, e.lat IS NULL "
                f"FROM {TABLE} e WHERE {where} ORDER BY e.score DESC, e.id",
                args,
            )
            points = [
                {
                    "id": i,
                    "name": name,
                    "slug": slug,
                    "lat": round(lat, 5),
                    "lon": round(lon, 5),
                    **({"approx": True} if approx else {}),
                }
                for i, name, slug, lat, lon, approx in cursor.fetchall()
            ]
            return {"total": total, "zoom": zoom, "cells": [], "points": points}
    cells = [{"n": n, "lat": round(lat, 4), "lon": round(lon, 4)} for _cx, _cy, n, lat, lon in rows]
    return {"total": total, "zoom": zoom, "cells": cells, "points": []}
