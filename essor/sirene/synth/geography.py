"""Communes of a perimeter, drawn in proportion to population, and points inside their polygons.

Perimeters are resolved by `essor.territories.lookup`: `FR`, a département code (`44`), a région
code (`region:52` when a département has the same code), an EPCI SIREN (9 digits), a commune code. Paris, Lyon and Marseille are replaced by their
municipal arrondissements (75101…, 69381…, 13201…), as Sirene codes them.

Points are drawn uniformly in each commune's bounding box and kept when inside the polygon
(`shapely.contains_xy` over prepared geometries, vectorised over every pending point at once);
the few still outside after `MAX_ROUNDS` take the commune's point on surface. They are then
projected from WGS84 to the Lambert-93 projection INSEE uses (EPSG:2154), or to the local UTM
projection overseas (domain.md §4.5).
"""

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer

from essor.territories import lookup
from essor.territories.enums import CommuneKind, TerritoryKind
from essor.territories.models import Commune

MAX_ROUNDS = 60
POPULATION_NOISE = 0.25  # sigma of the log-normal noise applied to commune weights
DEFAULT_POPULATION = 50
OVERSEAS_CRS = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}
METROPOLE_CRS = 2154
_ARRONDISSEMENT_NAME = re.compile(r"^(.*?) (\d+)(?:er|e|ème)? arrondissement$", re.IGNORECASE)


class SynthError(ValueError):
    """A request the generator cannot serve; the message is in French, for the user."""


class PerimeterError(SynthError):
    pass


def crs_of(code: str) -> int | None:
    if code.startswith("97") or code.startswith("98"):
        return OVERSEAS_CRS.get(code[:3])
    return METROPOLE_CRS


def sirene_label(name: str) -> str:
    """« Saint-Étienne » → « SAINT-ETIENNE », « Paris 1er Arrondissement » → « PARIS 1 »."""
    match = _ARRONDISSEMENT_NAME.match(name)
    if match:
        name = f"{match.group(1)} {match.group(2)}"
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[,'\"]", " ", ascii_only).upper()


def resolve_perimeter(code: str):
    """(label, Commune queryset) of a perimeter code, read with the territories lookup API
    (`resolve_territory`, `communes_in`); PerimeterError with a French message when unknown."""
    found = lookup.resolve_territory(code)
    if found is None:
        raise PerimeterError(
            _(
                "Périmètre inconnu : « %(code)s » (FR, code de région — region:11 si ambigu —, "
                "de département ou de commune, SIREN d'EPCI)"
            )
            % {"code": code}
        )
    kind, territory = found
    communes = Commune.objects.all()
    if kind == TerritoryKind.FRANCE:
        return "France", communes
    key = territory.siren if kind == TerritoryKind.EPCI else territory.pk
    codes = lookup.communes_in(kind, str(key))
    label = f"{TerritoryKind(kind).label} {territory}"
    return label, communes.filter(code__in=codes) | communes.filter(parent_id__in=codes)


@dataclass
class CommuneTable:
    codes: np.ndarray  # str
    departements: np.ndarray  # str
    cdf: np.ndarray  # cumulative draw probability
    geometries: np.ndarray  # prepared shapely polygons
    bounds: np.ndarray  # (n, 4) west, south, east, north
    surface_points: np.ndarray  # (n, 2) a point inside each polygon
    crs: np.ndarray  # int EPSG code, 0 when none
    code_column: pa.Array
    label_column: pa.Array
    postal_column: pa.Array
    rna_prefix_column: pa.Array

    def __len__(self) -> int:
        return len(self.codes)


def load_communes(code: str, seed: int) -> tuple[str, CommuneTable]:
    label, queryset = resolve_perimeter(code)
    rows = list(
        queryset.order_by("code").values_list(
            "code", "kind", "parent_id", "name", "population", "postal_codes", "geometry",
            "departement_id",
        )
    )  # fmt: skip
    with_arrondissements = {row[2] for row in rows if row[1] == CommuneKind.ARRONDISSEMENT}
    rows = [row for row in rows if row[0] not in with_arrondissements and row[6]]
    if not rows:
        raise PerimeterError(
            _("Aucune commune avec un contour dans le périmètre %(code)s : chargez le référentiel")
            % {"code": code}
        )
    codes = np.array([row[0] for row in rows])
    geometries = shapely.from_geojson(np.array([row[6] for row in rows], dtype=object))
    valid = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    rows = [row for row, ok in zip(rows, valid, strict=True) if ok]
    codes, geometries = codes[valid], geometries[valid]
    shapely.prepare(geometries)
    population = np.array([row[4] or DEFAULT_POPULATION for row in rows], dtype=float)
    noise = np.random.default_rng([seed, 7]).lognormal(0.0, POPULATION_NOISE, len(rows))
    weights = population * noise
    surface = shapely.point_on_surface(geometries)
    table = CommuneTable(
        codes=codes,
        departements=np.array([row[7] for row in rows]),
        cdf=np.cumsum(weights) / weights.sum(),
        geometries=geometries,
        bounds=shapely.bounds(geometries),
        surface_points=np.column_stack([shapely.get_x(surface), shapely.get_y(surface)]),
        crs=np.array([crs_of(c) or 0 for c in codes]),
        code_column=pa.array(codes.tolist(), pa.string()),
        label_column=pa.array([sirene_label(row[3]) for row in rows], pa.string()),
        postal_column=pa.array([(row[5] or "").split(" ")[0] or None for row in rows]),
        rna_prefix_column=pa.array(["W" + c[:3] for c in codes.tolist()], pa.string()),
    )
    return label, table


def draw_communes(rng: np.random.Generator, table: CommuneTable, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(table.cdf, rng.random(size), side="right"), len(table) - 1)


def draw_points(
    rng: np.random.Generator, table: CommuneTable, communes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) in each commune's projected CRS, NaN where the commune has none.

    Points are tested grouped by commune (sorted order), which keeps each prepared polygon hot in
    cache: about four times faster than testing them in drawing order."""
    order = np.argsort(communes, kind="stable")
    ordered = communes[order]
    lon = np.empty(len(communes))
    lat = np.empty(len(communes))
    pending = np.arange(len(communes))
    for _round in range(MAX_ROUNDS):
        if not len(pending):
            break
        box = table.bounds[ordered[pending]]
        x = box[:, 0] + rng.random(len(pending)) * (box[:, 2] - box[:, 0])
        y = box[:, 1] + rng.random(len(pending)) * (box[:, 3] - box[:, 1])
        inside = shapely.contains_xy(table.geometries[ordered[pending]], x, y)
        lon[order[pending[inside]]] = x[inside]
        lat[order[pending[inside]]] = y[inside]
        pending = pending[~inside]
    if len(pending):
        lon[order[pending]], lat[order[pending]] = table.surface_points[ordered[pending]].T
    return project(table.crs[communes], lon, lat)


_TRANSFORMERS: dict[int, Transformer] = {}


def project(crs: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.full(len(lon), np.nan)
    y = np.full(len(lon), np.nan)
    for epsg in np.unique(crs):
        if not epsg:
            continue
        if epsg not in _TRANSFORMERS:
            _TRANSFORMERS[epsg] = Transformer.from_crs(4326, int(epsg), always_xy=True)
        mask = crs == epsg
        x[mask], y[mask] = _TRANSFORMERS[epsg].transform(lon[mask], lat[mask])
    return x, y


def unproject(codes: list[str], x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 (lon, lat) of projected points, each in the CRS of its commune code."""
    crs = np.array([crs_of(c) or 0 for c in codes])
    lon = np.full(len(x), np.nan)
    lat = np.full(len(x), np.nan)
    for epsg in np.unique(crs):
        if not epsg:
            continue
        mask = crs == epsg
        back = Transformer.from_crs(int(epsg), 4326, always_xy=True)
        lon[mask], lat[mask] = back.transform(x[mask], y[mask])
    return lon, lat
