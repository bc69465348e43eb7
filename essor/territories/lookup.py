"""Read-side API of the territorial referential, for the Sirene pipeline and the other apps.

- `commune_index()`: every commune code Sirene may carry → the current commune and its
  EPCI, département and région (`CommuneRef`).
- `qpv_geometries()` / `commune_geometries(codes)`: shapely geometries for point-in-polygon work.
- `resolve_territory(code)`: an INSEE code, an EPCI SIREN or "FR" → (kind, object).
- `communes_in(kind, code)`: the current commune codes that make up a territory.

Territorial counts always roll up to current communes: arrondissements municipaux (75101…,
69381…, 13201…) and old codes (communes déléguées, associées, absorbed) resolve to them.
"""

from typing import NamedTuple

import shapely
from django.db.models import Model

from essor.territories import geometry
from essor.territories.enums import CommuneKind, TerritoryKind
from essor.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    Epci,
    Perimeter,
    Qpv,
    Region,
)

FRANCE_CODE = "FR"


class CommuneRef(NamedTuple):
    """Where a commune code belongs; fields are "" when absent (e.g. a commune with no EPCI)."""

    commune_code: str  # the current commune (the parent for an arrondissement)
    arrondissement_code: str  # the arrondissement municipal, "" for other codes
    epci_siren: str
    departement_code: str
    region_code: str


class France:
    """Stand-in object returned by `resolve_territory("FR")`."""

    code = FRANCE_CODE
    name = "France"
    pk = FRANCE_CODE

    def __str__(self) -> str:
        return self.name


def commune_index() -> dict[str, CommuneRef]:
    """{code: CommuneRef} for current communes (→ themselves), arrondissements municipaux (→ their
    parent commune, with `arrondissement_code` set) and alias codes (→ their current commune).

    One query per table; about 40,000 entries for all of France."""
    rows = Commune.objects.values_list(
        "code", "kind", "parent_id", "epci_id", "departement_id", "departement__region_id"
    )
    current: dict[str, CommuneRef] = {}
    arrondissements: dict[str, str] = {}
    for code, kind, parent, epci, departement, region in rows:
        if kind == CommuneKind.ARRONDISSEMENT and parent:
            arrondissements[code] = parent
        else:
            current[code] = CommuneRef(code, "", epci or "", departement, region)
    index = dict(current)
    for code, parent in arrondissements.items():
        if parent in current:
            index[code] = current[parent]._replace(arrondissement_code=code)
    for code, target in CommuneAlias.objects.values_list("code", "commune_id"):
        ref = index.get(target)
        if ref is not None and code not in index:
            index[code] = ref._replace(arrondissement_code="")
    return index


def qpv_geometries() -> list[tuple[str, shapely.Geometry]]:
    """[(QPV code, geometry)] of every QPV with a contour, sorted by code (WGS84): the
    full-precision contour, or the simplified one for rows imported without it."""
    rows = Qpv.objects.exclude(full_geometry="", geometry="").values_list(
        "code", "full_geometry", "geometry"
    )
    codes, texts = [], []
    for code, full, simplified in rows.order_by("code"):
        codes.append(code)
        texts.append(full or simplified)
    shapes = shapely.from_geojson(texts) if texts else []
    return [(c, g) for c, g in zip(codes, shapes, strict=True) if g is not None]


def commune_geometries(codes: list[str]) -> dict[str, shapely.Geometry]:
    """{code: simplified geometry} of the given communes that have a stored contour."""
    rows = Commune.objects.filter(code__in=list(codes)).exclude(geometry="")
    pairs = list(rows.values_list("code", "geometry"))
    shapes = shapely.from_geojson([text for _, text in pairs]) if pairs else []
    return {code: shape for (code, _), shape in zip(pairs, shapes, strict=True)}


def resolve_territory(code: str) -> tuple[str, Model | France] | None:
    """(kind, object) for a territory code, None when unknown.

    Accepted: "FR"; a 9-digit EPCI SIREN; a QPV code (QP…/QN…); a département code ("44",
    "2A", "974"); a commune code (arrondissements and old codes resolve to the current commune).
    Région codes collide with département codes ("44" is both Grand Est and Loire-Atlantique), so
    a bare 2–3 character code is a département when one has it; write "region:44" (or any
    "<kind>:<code>" with a `TerritoryKind` value) to choose explicitly. Perimeters are reached as
    "perimeter:<slug>"."""
    raw = (code or "").strip()
    if ":" in raw:
        kind, _, value = raw.partition(":")
        return resolve_kind(kind.strip().lower(), value.strip())
    code = raw.upper()
    if code == FRANCE_CODE:
        return TerritoryKind.FRANCE, France()
    if len(code) == 9 and code.isdigit():
        return resolve_kind(TerritoryKind.EPCI, code)
    if code.startswith(("QP", "QN")):
        return resolve_kind(TerritoryKind.QPV, code)
    if len(code) <= 3:
        return resolve_kind(TerritoryKind.DEPARTEMENT, code) or resolve_kind(
            TerritoryKind.REGION, code
        )
    return resolve_kind(TerritoryKind.COMMUNE, code)


def resolve_kind(kind: str, code: str) -> tuple[str, Model | France] | None:
    """(kind, object) for an explicit kind and code, None when unknown."""
    if kind == TerritoryKind.FRANCE:
        return TerritoryKind.FRANCE, France()
    if kind == TerritoryKind.COMMUNE:
        found = current_commune(code)
    else:
        model, field = {
            TerritoryKind.EPCI: (Epci, "siren"),
            TerritoryKind.DEPARTEMENT: (Departement, "code"),
            TerritoryKind.REGION: (Region, "code"),
            TerritoryKind.QPV: (Qpv, "code"),
            TerritoryKind.PERIMETER: (Perimeter, "slug"),
        }.get(kind, (None, ""))
        if model is None:
            return None
        value = code if model is Perimeter else code.upper()
        found = model.objects.filter(**{field: value}).first()
    return (TerritoryKind(kind), found) if found else None


def current_commune(code: str) -> Commune | None:
    commune = Commune.objects.filter(code=code).select_related("parent").first()
    if commune is not None:
        return commune.parent or commune
    alias = CommuneAlias.objects.filter(code=code).select_related("commune").first()
    return alias.commune if alias else None


def communes_in(kind: str, code: str) -> list[str]:
    """Sorted codes of the current communes that make up the territory `kind`/`code`
    (kinds: commune, epci, departement, region, qpv, perimeter (slug or id), france)."""
    current = Commune.objects.filter(kind=CommuneKind.COMMUNE)
    if kind == TerritoryKind.FRANCE:
        communes = current
    elif kind == TerritoryKind.COMMUNE:
        commune = current_commune(code)
        return [commune.code] if commune else []
    elif kind == TerritoryKind.EPCI:
        communes = current.filter(epci_id=code)
    elif kind == TerritoryKind.DEPARTEMENT:
        communes = current.filter(departement_id=code)
    elif kind == TerritoryKind.REGION:
        communes = current.filter(departement__region_id=code)
    elif kind == TerritoryKind.QPV:
        communes = current.filter(qpvs__code=code)
    elif kind == TerritoryKind.PERIMETER:
        perimeters = Perimeter.objects.filter(slug=code)
        if code.isdigit():
            perimeters = Perimeter.objects.filter(pk=int(code)) | perimeters
        communes = current.filter(perimeters__in=perimeters)
    else:
        raise ValueError(f"Type de territoire inconnu : {kind}")
    return sorted(set(communes.values_list("code", flat=True)))


def parse_geometry(text: str) -> shapely.Geometry | None:
    """A stored GeoJSON text as a shapely geometry (None when blank)."""
    return geometry.from_geojson(text)
