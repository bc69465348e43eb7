"""Map data: the entries of a search inside a viewport, as grid cells with counts or, below a
threshold, as single points (name, link). Cells come from the precomputed Web Mercator cell
(tx, ty) of each entry, shifted to the zoom, so one GROUP BY serves every zoom level.

Positions: an entry under partial diffusion is placed at its commune centroid (`glat/glon`) and
flagged approximate; its exact point is never read here.
"""

from django.db import connection

from essor.directory.search.models import GRID_ZOOM
from essor.directory.search.params import SearchParams
from essor.directory.search.query import TABLE, bbox_clause, filter_sql, resolve

POINT_LIMIT = 300  # at most this many entries in the viewport: single points
MAX_CELLS = 2500  # beyond: coarser cells (keeps the answer well under 300 KB)
CELLS_PER_TILE_LOG2 = 2  # 4 × 4 cells of 64 px in each 256 px tile


def map_data(params: SearchParams, bbox: tuple[float, float, float, float], zoom: int) -> dict:
    text, center, _messages = resolve(params)
    where, args = filter_sql(params, text, center)
    box, box_args = bbox_clause(bbox)
    where, args = f"{where} AND {box}", [*args, *box_args]
    zoom = max(0, min(int(zoom), GRID_ZOOM))
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
