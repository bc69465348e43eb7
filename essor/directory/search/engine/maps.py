"""The map of a search from the engine: the same cells or points as mapagg.live_map_data (the
matching entries of the viewport grouped by their Web Mercator cell shifted to the zoom, coarser
while there are more than MAX_CELLS; single points, best scores first, below POINT_LIMIT), without
a GROUP BY over the matches in SQL. Only the points' names are read from the database."""

import numpy as np
from django.db import connection

from essor.directory.search import query as sq
from essor.directory.search.engine import Engine
from essor.directory.search.engine.evaluate import Evaluation
from essor.directory.search.engine.search import evaluations
from essor.directory.search.models import GRID_ZOOM
from essor.directory.search.params import SearchParams


def in_viewport(part: Evaluation, bbox) -> np.ndarray:
    """Sorted positions of the part's matching rows inside `bbox`."""
    s = part.s
    west, south, east, north = bbox
    if part.base is None:
        ok = part.passing[s.group]
        if len(part.dead):
            ok[part.dead] = False
        lat, lon = s.glat, s.glon
        with np.errstate(invalid="ignore"):
            ok &= (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        return np.flatnonzero(ok).astype(np.int32)
    positions = part.base[part.passing[s.group[part.base]]]
    lat, lon = s.glat[positions], s.glon[positions]
    with np.errstate(invalid="ignore"):
        inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    return positions[inside]


def map_data(engine: Engine, params: SearchParams, bbox, zoom: int) -> dict:
    from essor.directory.search import mapagg

    text, center, _messages = sq.resolve(params)
    parts = evaluations(engine, params, text, center)
    found = [(part, in_viewport(part, bbox)) for part in parts]
    total = int(sum(len(p) for _, p in found))
    if total <= mapagg.POINT_LIMIT:
        return {"total": total, "zoom": zoom, "cells": [], "points": points(found)}
    tx = np.concatenate([part.s.tx[p] for part, p in found]).astype(np.int64)
    ty = np.concatenate([part.s.ty[p] for part, p in found]).astype(np.int64)
    lat = np.concatenate([part.s.glat[p] for part, p in found])
    lon = np.concatenate([part.s.glon[p] for part, p in found])
    shift = max(0, GRID_ZOOM - zoom - mapagg.CELLS_PER_TILE_LOG2)
    while True:
        keys = ((tx >> shift) << 32) | (ty >> shift)
        cells, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        if len(cells) <= mapagg.MAX_CELLS or shift >= GRID_ZOOM:
            break
        shift += 1
    lat_sum = np.bincount(inverse, weights=lat, minlength=len(cells))
    lon_sum = np.bincount(inverse, weights=lon, minlength=len(cells))
    return {
        "total": total,
        "zoom": zoom,
        "cells": [
            {"n": int(n), "lat": round(float(a / n), 4), "lon": round(float(o / n), 4)}
            for n, a, o in zip(counts, lat_sum, lon_sum, strict=True)
        ],
        "points": [],
    }


def points(found: list) -> list[dict]:
    """The points in the page order (score DESC, id), names read by id."""
    keyed = sorted(
        (-float(part.s.score[p]), int(part.s.ids[p]))
        for part, positions in found
        for p in positions
    )
    ids = [i for _, i in keyed]
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.name, e.actor_slug, e.glat, e.glon, e.lat IS NULL FROM {sq.TABLE} e "
            f"WHERE e.id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        rows = {row[0]: row for row in cursor.fetchall()}
    result = []
    for i in ids:
        if i not in rows:
            continue
        _, name, slug, lat, lon, approx = rows[i]
        result.append(
            {
                "id": i, "name": name, "slug": slug, "lat": round(lat, 5), "lon": round(lon, 5),
                **({"approx": True} if approx else {}),
            }
        )  # fmt: skip
    return result
