"""Shapely helpers: display simplification, centroid, bounding box, GeoJSON text.

All functions are vectorised over numpy arrays of geometries (shapely 2), so the ~35,000
communes of France are processed in about a second. Missing geometries are `None`.
"""

import json
from collections.abc import Iterable, Sequence

import numpy as np
import shapely

# Tolerances in degrees (0.001° ≈ 70–110 m in metropolitan France) and size budgets of the stored
# GeoJSON text: a shape above its budget is simplified again with a doubled tolerance.
COMMUNE_TOLERANCE = 0.001
COMMUNE_MAX_BYTES = 4_000
AGGREGATE_TOLERANCE = {"epci": 0.002, "departement": 0.004, "region": 0.008, "qpv": 0.0001}
AGGREGATE_MAX_BYTES = {"epci": 20_000, "departement": 40_000, "region": 80_000, "qpv": 8_000}
GRID_DECIMALS = 5  # 1e-5° ≈ 1 m: rounding of stored coordinates
MAX_ROUNDS = 6


def as_array(geometries: Iterable[shapely.Geometry | None]) -> np.ndarray:
    return np.array(list(geometries), dtype=object)


def from_geojson_dicts(geometries: Sequence[dict | None]) -> np.ndarray:
    """Shapely geometries from GeoJSON geometry dicts (None stays None)."""
    texts = np.array([json.dumps(g) if g else None for g in geometries] or [], dtype=object)
    return shapely.from_geojson(texts, on_invalid="ignore") if len(texts) else texts


def _simplify_once(geometries: np.ndarray, tolerance: float) -> np.ndarray:
    rounded = snap(shapely.simplify(geometries, tolerance, preserve_topology=True))
    # Never an empty result: a shape that collapsed keeps its unsimplified form.
    collapsed = shapely.is_empty(rounded) & ~shapely.is_empty(geometries)
    rounded[collapsed] = geometries[collapsed]
    return rounded


def simplify_for_display(
    geometries: np.ndarray, tolerance: float, max_bytes: int
) -> tuple[np.ndarray, np.ndarray]:
    """(simplified geometries, their GeoJSON texts), each text under `max_bytes` when a tolerance
    up to 2**MAX_ROUNDS times the given one achieves it."""
    simplified = _simplify_once(geometries, tolerance)
    texts = shapely.to_geojson(simplified)
    for round_ in range(1, MAX_ROUNDS + 1):
        sizes = np.array([len(t) if t else 0 for t in texts])
        too_big = sizes > max_bytes
        if not too_big.any():
            break
        simplified[too_big] = _simplify_once(geometries[too_big], tolerance * 2**round_)
        texts[too_big] = shapely.to_geojson(simplified[too_big])
    return simplified, texts


def centroids(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of each centroid, or of a point on the surface when the centroid falls outside
    (crescent-shaped communes, archipelagos). NaN for missing geometries."""
    points = shapely.centroid(geometries)
    outside = ~shapely.is_missing(geometries) & ~shapely.within(points, geometries)
    points[outside] = shapely.point_on_surface(geometries[outside])
    return shapely.get_y(points), shapely.get_x(points)


def shape_fields(
    geometries: np.ndarray, tolerance: float, max_bytes: int
) -> list[dict[str, object]]:
    """The `Shape` model fields (geometry, lat, lon, bbox) of each geometry, blank when missing.

    Centroid and bounding box come from the unsimplified geometry."""
    if not len(geometries):
        return []
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    fields: list[dict[str, object]] = [
        {"geometry": "", "lat": None, "lon": None, "bbox": None} for _ in geometries
    ]
    index = np.flatnonzero(present)
    if not len(index):
        return fields
    kept = geometries[index]
    _, texts = simplify_for_display(kept, tolerance, max_bytes)
    lats, lons = centroids(kept)
    bounds = np.round(shapely.bounds(kept), 5)
    for position, text, lat, lon, box in zip(index, texts, lats, lons, bounds, strict=True):
        fields[position] = {
            "geometry": text,
            "lat": round(float(lat), 6),
            "lon": round(float(lon), 6),
            "bbox": [float(v) for v in box],
        }
    return fields


def snap(geometries: np.ndarray) -> np.ndarray:
    """Geometries with coordinates rounded to the storage grid, so shared borders match exactly.

    Plain rounding (10× faster than `set_precision`) may rarely leave a tiny self-intersection:
    harmless for display, and `coverage_union` checks its result."""
    return shapely.transform(geometries, lambda coords: np.round(coords, GRID_DECIMALS))


def union(
    geometries: Sequence[shapely.Geometry | None], snapped: Sequence[shapely.Geometry | None] = ()
) -> shapely.Geometry | None:
    """The union of the present geometries, None when there is none.

    With `snapped` (the same geometries passed through `snap`), a fast coverage union is tried
    first; the general `union_all` of the unsnapped geometries is the fallback."""
    present = as_array(g for g in geometries if g is not None and not g.is_empty)
    if not len(present):
        return None
    merged = None
    if len(snapped):
        merged = coverage_union(as_array(g for g in snapped if g is not None and not g.is_empty))
    if merged is None:
        merged = shapely.union_all(present)
    return None if merged.is_empty else merged


def coverage_union(parts: np.ndarray) -> shapely.Geometry | None:
    """Fast union of edge-matched polygons (communes share exact borders once snapped to the
    storage grid); None when the parts do not form a clean coverage, in which case
    the caller falls back to the general (and ~3× slower) `union_all`."""
    try:
        merged = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:
        return None
    expected = shapely.area(parts).sum()
    if not merged.is_valid or abs(merged.area - expected) > 1e-6 * max(expected, 1e-12):
        return None
    return merged


def to_geojson(geometry: shapely.Geometry | None) -> str:
    return "" if geometry is None else shapely.to_geojson(geometry)


def from_geojson(text: str) -> shapely.Geometry | None:
    return shapely.from_geojson(text) if text else None
