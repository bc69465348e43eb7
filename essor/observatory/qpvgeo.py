"""ESS establishments near a QPV: outside every quartier (Establishment.qpv_code empty) but
within 300 m of one.

Distances are computed in metres: each QPV contour (the full-precision one,
territories.lookup.qpv_geometries) is projected to Lambert-93 (EPSG:2154) — or, overseas, to the
zone's UTM system of essor.sirene.pipeline.geo — and buffered by 300 m; establishment points are
projected the same way (zone chosen by their commune, as in the import) and tested against an
STRtree of the buffers. Establishments without coordinates (partial diffusion, missing or
discarded coordinates) cannot be placed and are never counted as near.
"""

import numpy as np
import shapely
from django.db.models import Count, Max
from pyproj import Transformer

from essor.sirene.pipeline.geo import METRO, ZONES, zone_of
from essor.territories.lookup import qpv_geometries
from essor.territories.models import Qpv

BUFFER_METRES = 300
_CACHE: dict = {}


def _to_metres(epsg: int) -> Transformer:
    return Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)


def _zone_of_point(lon: float, lat: float) -> str:
    for key, (_epsg, (west, south, east, north)) in ZONES.items():
        if key != METRO and west <= lon <= east and south <= lat <= north:
            return key
    return METRO


def _project(geometry: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    def forward(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(geometry, forward)


class QpvIndex:
    """Buffered QPV contours per projection zone, with their WGS84 bounding boxes."""

    def __init__(self, pairs: list[tuple[str, shapely.Geometry]]):
        self.codes = np.array([code for code, _ in pairs], dtype=object)
        self.bounds: dict[str, tuple[float, float, float, float]] = {}
        self.trees: dict[str, tuple[shapely.STRtree, np.ndarray]] = {}
        zones = {}
        for index, (_code, geometry) in enumerate(pairs):
            point = shapely.point_on_surface(geometry)
            zones.setdefault(_zone_of_point(point.x, point.y), []).append(index)
        for zone, indexes in zones.items():
            epsg = ZONES[zone][0]
            forward, back = (
                _to_metres(epsg),
                Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True),
            )
            projected = [_project(pairs[i][1], forward) for i in indexes]
            buffers = shapely.buffer(np.array(projected, dtype=object), BUFFER_METRES)
            for i, buffered in zip(indexes, buffers, strict=True):
                west, south, east, north = buffered.bounds
                xs, ys = back.transform([west, east, west, east], [south, south, north, north])
                margin = 0.001
                self.bounds[pairs[i][0]] = (
                    min(xs) - margin,
                    min(ys) - margin,
                    max(xs) + margin,
                    max(ys) + margin,
                )
            self.trees[zone] = (shapely.STRtree(buffers), np.array(indexes, dtype=np.int64))

    def pairs(self, lon, lat, communes) -> tuple[np.ndarray, np.ndarray]:
        """(point index, QPV code) for every point within 300 m of a QPV."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        communes = np.asarray(communes, dtype=object)
        point_out, code_out = [], []
        if not len(lon):
            return np.array([], dtype=np.int64), np.array([], dtype=object)
        zones = zone_of(communes)
        for zone, (tree, indexes) in self.trees.items():
            mask = np.flatnonzero(zones == zone)
            if not len(mask):
                continue
            x, y = _to_metres(ZONES[zone][0]).transform(lon[mask], lat[mask])
            points = shapely.points(np.asarray(x), np.asarray(y))
            found = tree.query(points, predicate="intersects")
            point_out.append(mask[found[0]])
            code_out.append(self.codes[indexes[found[1]]])
        if not point_out:
            return np.array([], dtype=np.int64), np.array([], dtype=object)
        return np.concatenate(point_out), np.concatenate(code_out)


def qpv_index() -> QpvIndex:
    """The index of the QPV contours in the database, cached while they do not change."""
    signature = tuple(Qpv.objects.aggregate(n=Count("code"), last=Max("code")).values())
    if _CACHE.get("signature") != signature:
        _CACHE["index"] = QpvIndex(qpv_geometries())
        _CACHE["signature"] = signature
    return _CACHE["index"]
