"""Coordinates: Lambert-93 (and the overseas UTM systems) to WGS84, then QPV membership.

The CRS is chosen by the commune code prefix. Metropolitan France is Lambert-93 (EPSG:2154,
documented by INSEE). For the DROM, domain.md §4.5 only has INSEE's BPE convention, applied here
UNCONFIRMED for Sirene: 971/972 RGAF09 UTM 20N (EPSG:5490), 973 RGFG95 UTM 22N (EPSG:2972),
974 RGR92 UTM 40S (EPSG:2975), 976 RGM04 UTM 38S (EPSG:4471). A point that lands outside its
zone's bounding box is dropped (coordinates set to NULL) and counted, never silently kept.
"""

from functools import cache

import numpy as np
import shapely
from pyproj import Transformer

METRO = "metro"
# zone -> (EPSG, [west, south, east, north] in WGS84)
ZONES = {
    METRO: (2154, (-5.8, 41.2, 10.0, 51.3)),
    "971": (5490, (-61.9, 15.8, -60.9, 16.6)),
    "972": (5490, (-61.3, 14.3, -60.7, 14.95)),
    "973": (2972, (-54.7, 2.0, -51.5, 5.9)),
    "974": (2975, (55.1, -21.5, 55.9, -20.8)),
    "976": (4471, (44.9, -13.1, 45.4, -12.5)),
}


@cache
def _transformer(epsg: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)


def zone_of(commune_codes: np.ndarray) -> np.ndarray:
    """Zone key per row: the DROM prefix, METRO, or '' (no known projection: COM, abroad)."""
    prefixes = np.array([(code or "")[:3] for code in commune_codes], dtype=object)
    zones = np.full(len(prefixes), "", dtype=object)
    metro = np.array([bool(p) and p[:2] not in ("97", "98") for p in prefixes], dtype=bool)
    zones[metro] = METRO
    for key in ZONES:
        if key != METRO:
            zones[prefixes == key] = key
    return zones


def to_wgs84(x: np.ndarray, y: np.ndarray, commune_codes: np.ndarray):
    """Returns (lon, lat, dropped): NaN where there was no point or it fell outside its zone."""
    lon = np.full(len(x), np.nan)
    lat = np.full(len(x), np.nan)
    zones = zone_of(commune_codes)
    has_point = ~(np.isnan(x) | np.isnan(y))
    dropped = 0
    for key, (epsg, (west, south, east, north)) in ZONES.items():
        mask = has_point & (zones == key)
        if not mask.any():
            continue
        zlon, zlat = _transformer(epsg).transform(x[mask], y[mask])
        zlon, zlat = np.asarray(zlon, dtype=float), np.asarray(zlat, dtype=float)
        inside = (zlon >= west) & (zlon <= east) & (zlat >= south) & (zlat <= north)
        dropped += int((~inside).sum())
        lon[mask] = np.where(inside, zlon, np.nan)
        lat[mask] = np.where(inside, zlat, np.nan)
    # Points in a commune with no known projection (overseas collectivities, abroad).
    dropped += int((has_point & (zones == "")).sum())
    return lon, lat, dropped


def qpv_codes(lon: np.ndarray, lat: np.ndarray, qpvs: list) -> np.ndarray:
    """QPV code of each point ('' outside every QPV), with an STRtree over the QPV polygons."""
    codes = np.full(len(lon), "", dtype=object)
    if not qpvs or not len(lon):
        return codes
    known = ~np.isnan(lon)
    if not known.any():
        return codes
    tree = shapely.STRtree([geometry for _, geometry in qpvs])
    names = np.array([code for code, _ in qpvs], dtype=object)
    index = np.flatnonzero(known)
    points = shapely.points(lon[index], lat[index])
    point_idx, qpv_idx = tree.query(points, predicate="within")
    # A point on two overlapping QPV keeps the first one listed.
    order = np.lexsort((qpv_idx, point_idx))
    point_idx, qpv_idx = point_idx[order], qpv_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    codes[index[point_idx[first]]] = names[qpv_idx[first]]
    return codes


def locate(con, qpvs: list) -> int:
    """lat, lon and qpv_code of out_etab's points, in the narrow table etab_geo (k, lat, lon,
    qpv_code), and the view out_etab_geo (out_etab with them instead of x, y): the wide rows are
    not copied once more. Returns the number of dropped points."""
    data = con.execute(
        "SELECT k, x, y, source_commune_code FROM out_etab WHERE x IS NOT NULL AND y IS NOT NULL"
    ).fetchnumpy()
    k = np.asarray(data["k"], dtype=np.int64)
    x = np.asarray(data["x"], dtype=float)
    y = np.asarray(data["y"], dtype=float)
    lon, lat, dropped = to_wgs84(x, y, np.asarray(data["source_commune_code"], dtype=object))
    codes = qpv_codes(lon, lat, qpvs)
    con.register("geo_src", {"k": k, "lon": lon, "lat": lat, "qpv_code": codes})
    con.execute(
        "CREATE OR REPLACE TABLE etab_geo AS SELECT k, "
        "CASE WHEN isnan(lat) THEN NULL ELSE lat END AS lat, "
        "CASE WHEN isnan(lon) THEN NULL ELSE lon END AS lon, "
        "nullif(CAST(qpv_code AS VARCHAR), '') AS qpv_code FROM geo_src"
    )
    con.unregister("geo_src")
    con.execute(
        "CREATE OR REPLACE VIEW out_etab_geo AS SELECT o.* EXCLUDE (x, y), g.lat, g.lon, "
        "coalesce(g.qpv_code, '') AS qpv_code FROM out_etab o LEFT JOIN etab_geo g USING (k)"
    )
    return dropped
