"""Choropleth maps of the sub-territories of a territory, drawn as server-side SVG.

- The sub-territories: communes of an EPCI or of a custom perimeter, EPCI of a département
  (each EPCI whole, as the figures count it), départements of a région, régions of France,
  arrondissements municipaux of Paris, Lyon and Marseille (`CHILD_KIND`).
- Contours: the simplified GeoJSON `geometry` of the territories models. A sub-territory without
  one is drawn as the union of its communes' contours.
- Projection: equirectangular around the mean latitude (distances on a département or a région
  are within a few per cent of a conformal projection), fitted to the width of the viewBox.
  Overseas shapes away from metropolitan France are drawn in insets under the main map.
- Classes: quantiles (about equally many sub-territories per class; every value falls in one),
  coloured with a sequential colour-blind-safe palette (viridis stops, light to dark). Shapes
  are outlined in dark grey so that the lightest class still stands out from the page.

The drawn layout (paths of every shape, without colours) is cached per territory and referential
load: colouring a cached layout costs a few milliseconds, so France and large départements stay
fast.
"""

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np
import shapely
from django.core.cache import cache

from essor.observatory.charts import FONT, INK, MUTED, format_number
from essor.territories.enums import CommuneKind, TerritoryKind

# Sequential palette (viridis stops), lightest first; `palette(n)` picks n of them.
VIRIDIS = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]
NO_DATA = "#ffffff"
OUTLINE = "#3a3a3a"
CHILD_KIND = {
    TerritoryKind.FRANCE: TerritoryKind.REGION,
    TerritoryKind.REGION: TerritoryKind.DEPARTEMENT,
    TerritoryKind.DEPARTEMENT: TerritoryKind.EPCI,
    TerritoryKind.EPCI: TerritoryKind.COMMUNE,
    TerritoryKind.PERIMETER: TerritoryKind.COMMUNE,
    TerritoryKind.COMMUNE: TerritoryKind.COMMUNE,  # arrondissements municipaux
}
# Metropolitan France and Corsica (west, south, east, north): shapes whose centre falls outside
# go to insets when the map also has shapes inside.
METROPOLE = (-5.5, 41.2, 10.0, 51.3)
MAP_WIDTH = 600
MAX_HEIGHT = 620
INSET_HEIGHT = 110
CACHE_SECONDS = 24 * 3600


# --- Classes and palette ------------------------------------------------------------------


def quantile_breaks(values: Sequence[float | None], classes: int = 5) -> list[float]:
    """Upper bounds of up to `classes` quantile classes over the non-None values, ascending and
    distinct; the last bound is the largest value, so every value falls in a class."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    bounds: list[float] = []
    for rank in range(1, classes + 1):
        bound = ordered[math.ceil(rank * len(ordered) / classes) - 1]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """Index of the class of `value` (the first bound ≥ value), None for None."""
    if value is None or not breaks:
        return None
    for index, bound in enumerate(breaks):
        if value <= bound:
            return index
    return len(breaks) - 1


def palette(count: int) -> list[str]:
    """`count` colours from light to dark, spread over the sequential palette."""
    if count <= 0:
        return []
    if count == 1:
        return [VIRIDIS[2]]
    last = len(VIRIDIS) - 1
    return [VIRIDIS[round(i * last / (count - 1))] for i in range(count)]


def class_labels(
    breaks: Sequence[float], smallest: float, fmt: Callable[[float | None], str]
) -> list[str]:
    """Legend text of each class: « 0 à 12 », « plus de 12 à 30 »…"""
    labels = []
    for index, bound in enumerate(breaks):
        if index == 0:
            low = fmt(smallest)
            labels.append(low if smallest == bound else f"{low} à {fmt(bound)}")
        else:
            labels.append(f"plus de {fmt(breaks[index - 1])} à {fmt(bound)}")
    return labels


# --- Projection and paths -----------------------------------------------------------------


@dataclass
class Projection:
    """Equirectangular projection of a lon/lat box into a pixel box."""

    west: float
    north: float
    scale: float  # pixels per degree of longitude × cos(mean latitude)
    cos_lat: float
    x0: float = 0.0
    y0: float = 0.0

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.x0 + (lon - self.west) * self.scale * self.cos_lat,
            self.y0 + (self.north - lat) * self.scale,
        )

    @property
    def degrees_per_pixel(self) -> float:
        return 1 / self.scale


def fit(
    bounds: Sequence[float], width: float, max_height: float, x0=0.0, y0=0.0
) -> tuple[Projection, float, float]:
    """(projection, drawn width, drawn height) of `bounds` (west, south, east, north) fitted in
    width × max_height, centred horizontally."""
    west, south, east, north = bounds
    cos_lat = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * cos_lat, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = min(width / span_x, max_height / span_y)
    drawn_w, drawn_h = span_x * scale, span_y * scale
    projection = Projection(west, north, scale, cos_lat, x0 + (width - drawn_w) / 2, y0)
    return projection, drawn_w, drawn_h


def _rings(geometry) -> list:
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        if polygon.geom_type == "Polygon":
            rings.append(polygon.exterior.coords)
            rings.extend(interior.coords for interior in polygon.interiors)
        elif polygon.geom_type in ("MultiPolygon", "GeometryCollection"):
            for part in _rings(polygon):
                rings.append(part)
    return rings


def svg_path(geometry, projection: Projection) -> str:
    """The SVG path data of a (multi)polygon: gaps narrower than two pixels closed, then a
    simplification below half a pixel, coordinates rounded to 0.1 pixel, consecutive duplicates
    dropped."""
    if geometry is None or geometry.is_empty:
        return ""
    # Closing (grow then shrink by one pixel) fills the sliver gaps that unions of simplified
    # communes leave along inner borders; real holes, wider than two pixels, stay.
    pixel = projection.degrees_per_pixel
    # Simplify first (fewer vertices make the closing fast), then simplify what it added.
    geometry = shapely.simplify(geometry, pixel * 0.25, preserve_topology=True)
    with np.errstate(invalid="ignore"):  # GEOS warns on some degenerate rings; harmless
        grown = shapely.buffer(geometry, pixel, quad_segs=2)
        closed = shapely.buffer(grown, -pixel, quad_segs=2)
    if not closed.is_empty:
        geometry = closed
    simple = shapely.simplify(geometry, pixel * 0.5, preserve_topology=True)
    commands = []
    for ring in _rings(simple):
        points: list[tuple[float, float]] = []
        for lon, lat, *_ in ring:
            x, y = projection(lon, lat)
            point = (round(x, 1), round(y, 1))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 3:
            continue
        head, *tail = points
        commands.append(
            f"M{head[0]:g} {head[1]:g}" + "".join(f"L{x:g} {y:g}" for x, y in tail) + "Z"
        )
    return "".join(commands)


# --- Layout -------------------------------------------------------------------------------


@dataclass
class Inset:
    x: float
    y: float
    width: float
    height: float
    name: str


@dataclass
class Layout:
    """Uncoloured map: one path per sub-territory code, in a width × height viewBox."""

    width: float
    height: float
    paths: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    insets: list[Inset] = field(default_factory=list)


def _outside_metropole(geometry) -> bool:
    point = geometry.centroid
    west, south, east, north = METROPOLE
    return not (west <= point.x <= east and south <= point.y <= north)


def build_layout(shapes: dict[str, tuple[str, object]], width: float = MAP_WIDTH) -> Layout:
    """Layout of {code: (name, shapely geometry)}; shapes without geometry are left out."""
    present = {c: (n, g) for c, (n, g) in shapes.items() if g is not None and not g.is_empty}
    if not present:
        return Layout(width, 0)
    outlying = {c for c, (_, g) in present.items() if _outside_metropole(g)}
    if len(outlying) == len(present):
        outlying = set()
    main = [c for c in present if c not in outlying]
    bounds = shapely.total_bounds([present[c][1] for c in main])
    projection, _, height = fit(bounds, width, MAX_HEIGHT)
    layout = Layout(width, height)
    for code in main:
        name, geometry = present[code]
        layout.paths[code], layout.names[code] = svg_path(geometry, projection), name
    if outlying:
        _add_insets(layout, [(c, *present[c]) for c in sorted(outlying)])
    return layout


def _add_insets(layout: Layout, items: list[tuple[str, str, object]]) -> None:
    per_row = min(len(items), 5)
    box_w = layout.width / per_row
    top = layout.height + 10
    for index, (code, name, geometry) in enumerate(items):
        x = (index % per_row) * box_w
        y = top + (index // per_row) * (INSET_HEIGHT + 24)
        projection, _, _ = fit(geometry.bounds, box_w - 16, INSET_HEIGHT - 16, x0=x + 8, y0=y + 8)
        layout.paths[code], layout.names[code] = svg_path(geometry, projection), name
        layout.insets.append(Inset(x + 2, y, box_w - 4, INSET_HEIGHT, name))
    rows = math.ceil(len(items) / per_row)
    layout.height = top + rows * (INSET_HEIGHT + 24)


# --- Drawing ------------------------------------------------------------------------------


def choropleth_svg(
    layout: Layout,
    values: dict[str, float | None],
    *,
    title: str,
    legend_title: str,
    chart_id: str,
    value_format: Callable[[float | None], str] = format_number,
    classes: int = 5,
) -> str:
    """The coloured map with its title and legend; `values` by sub-territory code (a code
    missing or None is « sans donnée »)."""
    known = [values.get(code) for code in layout.paths if values.get(code) is not None]
    breaks = quantile_breaks(known, classes)
    colours = palette(len(breaks))
    labels = class_labels(breaks, min(known), value_format) if known else []
    has_missing = any(values.get(code) is None for code in layout.paths)
    legend_rows = len(labels) + (1 if has_missing else 0)
    legend_top = layout.height + 16
    height = legend_top + 34 + 30 * legend_rows
    description = f"{legend_title} : " + (
        " ; ".join(f"{label} ({colour})" for label, colour in zip(labels, colours, strict=True))
        if labels
        else "aucune valeur"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart map" id="{escape(chart_id)}" '
        f'viewBox="0 0 {layout.width:g} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{FONT}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f'<defs><pattern id="{escape(chart_id)}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{NO_DATA}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="1"/></pattern></defs>'
    ]
    hatch = f"url(#{escape(chart_id)}-hatch)"
    for inset in layout.insets:
        parts.append(
            f'<rect x="{inset.x:.1f}" y="{inset.y:.1f}" width="{inset.width:.1f}" '
            f'height="{inset.height:.1f}" fill="none" stroke="{MUTED}" stroke-dasharray="3 3"/>'
            f'<text x="{inset.x + inset.width / 2:.1f}" y="{inset.y + inset.height + 16:.1f}" '
            f'font-size="12" text-anchor="middle" fill="{INK}">{escape(inset.name)}</text>'
        )
    for code, path in layout.paths.items():
        value = values.get(code)
        index = class_of(value, breaks)
        fill = hatch if index is None else colours[index]
        parts.append(
            f'<path d="{path}" fill="{fill}" stroke="{OUTLINE}" stroke-width="0.6" '
            f'fill-rule="evenodd"><title>{escape(layout.names.get(code, code))} : '
            f"{escape(value_format(value) if value is not None else 'sans donnée')}"
            f"</title></path>"
        )
    parts.append(
        f'<text x="0" y="{legend_top + 14:.0f}" font-size="17" font-weight="600" '
        f'fill="{INK}">{escape(legend_title)}</text>'
    )
    rows = list(zip(labels, colours, strict=True))
    if has_missing:
        rows.append(("sans donnée", hatch))
    for index, (label, colour) in enumerate(rows):
        y = legend_top + 28 + 30 * index
        parts.append(
            f'<rect x="0" y="{y:.0f}" width="28" height="20" fill="{colour}" '
            f'stroke="{OUTLINE}" stroke-width="0.8"/>'
            f'<text x="38" y="{y + 16:.0f}" font-size="17" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- Sub-territory contours from the referential -------------------------------------------


def child_kind(kind: str) -> str | None:
    """The kind of the sub-territories drawn on the map of a territory of `kind` (None: no map)."""
    return CHILD_KIND.get(kind)


def _geometries(model, field: str, filters: dict) -> dict[str, tuple[str, str]]:
    rows = model.objects.filter(**filters).values_list(field, "name", "geometry")
    return {code: (name, text) for code, name, text in rows}


def sub_territory_shapes(kind: str, code: str) -> dict[str, tuple[str, object]]:
    """{sub-territory code: (name, shapely geometry or None)} of the territory `kind`/`code`."""
    from essor.territories.lookup import communes_in
    from essor.territories.models import Commune, Departement, Epci, Region

    child = child_kind(kind)
    communes = Commune.objects.filter(kind=CommuneKind.COMMUNE)
    if child == TerritoryKind.REGION:
        texts = _geometries(Region, "code", {})
    elif child == TerritoryKind.DEPARTEMENT:
        texts = _geometries(Departement, "code", {"region_id": code})
    elif child == TerritoryKind.EPCI:
        # Each EPCI whole, even across the département's border (as the figures count it).
        sirens = set(
            communes.filter(departement_id=code, epci__isnull=False).values_list("epci", flat=True)
        )
        texts = _geometries(Epci, "siren", {"siren__in": sirens})
    elif child == TerritoryKind.COMMUNE and kind == TerritoryKind.COMMUNE:
        # Arrondissements municipaux of Paris, Lyon and Marseille.
        texts = _geometries(
            Commune, "code", {"parent_id": code, "kind": CommuneKind.ARRONDISSEMENT}
        )
    elif child == TerritoryKind.COMMUNE:
        texts = _geometries(Commune, "code", {"code__in": communes_in(kind, code)})
    else:
        return {}
    codes = list(texts)
    if not codes:
        return {}
    parsed = shapely.from_geojson([t or None for _, t in texts.values()], on_invalid="ignore")
    shapes = {c: (texts[c][0], g) for c, g in zip(codes, parsed, strict=True)}
    for missing in [c for c, (_, g) in shapes.items() if g is None]:
        members = communes_in(child, missing) if child != TerritoryKind.COMMUNE else []
        shapes[missing] = (shapes[missing][0], _union_of_communes(members))
    return shapes


def _union_of_communes(codes: list[str]):
    from essor.territories.lookup import commune_geometries

    parts = list(commune_geometries(codes).values())
    if not parts:
        return None
    return shapely.union_all(shapely.make_valid(shapely.buffer(parts, 0)))


def territory_layout(kind: str, code: str, width: float = MAP_WIDTH) -> Layout | None:
    """The cached uncoloured map of the sub-territories of `kind`/`code`, None when the territory
    has no sub-territory level or none of them has a contour."""
    if child_kind(kind) is None:
        return None
    from essor.territories.models import ReferentialLoad

    last = ReferentialLoad.objects.order_by("-pk").values_list("pk", "started_at").first()
    version = f"{last[0]}:{last[1].timestamp()}" if last else "none"
    if kind == TerritoryKind.PERIMETER:
        # Edited by users: keyed by its communes, so that an edit draws a new map.
        from essor.territories.lookup import communes_in

        members = ",".join(sorted(communes_in(kind, code)))
        version += ":" + hashlib.sha1(members.encode()).hexdigest()
    key = f"essor:choropleth:v2:{kind}:{code}:{width:g}:{version}"
    layout = cache.get(key)
    if layout is None:
        layout = build_layout(sub_territory_shapes(kind, code), width)
        cache.set(key, layout, CACHE_SECONDS)
    return layout if layout.paths else None
