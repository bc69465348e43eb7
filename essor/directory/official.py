"""The official part of an actor, read from the current Sirene import (never copied): legal unit,
establishments, and the ESS actors near it or in the same sector.

Partial diffusion (`P`, of the establishment or of its legal unit): only the commune is shown;
street address and coordinates never leave this module (`Place.street` / `lat` / `lon` are
blanked here, so templates and JSON cannot leak them).
"""

import math
from dataclasses import dataclass

from essor.sirene.models import Establishment, ImportRun, LegalUnit
from essor.territories.models import Commune

NEARBY_LIMIT = 8
SAME_SECTOR_LIMIT = 8
NEARBY_STEPS_KM = (1.0, 3.0, 10.0)
NEARBY_MAX_ROWS = 5000
# A commune's establishments can lie this far from its centroid (large rural communes).
COMMUNE_MARGIN_KM = 15.0
EARTH_RADIUS_KM = 6371.0


@dataclass
class Place:
    siret: str
    siren: str
    name: str
    street: str
    postal_code: str
    commune_code: str
    commune_name: str
    is_head_office: bool
    is_open: bool
    naf: str
    lat: float | None
    lon: float | None
    partial: bool
    distance_km: float | None = None


@dataclass
class Official:
    run: ImportRun
    legal_unit: LegalUnit
    establishments: list[Place]

    @property
    def partial(self) -> bool:
        return self.legal_unit.diffusion == "P"

    @property
    def name(self) -> str:
        unit = self.legal_unit
        return unit.name or unit.usual_name or unit.sigle or unit.siren

    @property
    def head_office(self) -> Place | None:
        return next((p for p in self.establishments if p.is_head_office), None) or next(
            iter(self.establishments), None
        )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _commune_names(codes) -> dict[str, str]:
    return dict(Commune.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _place(row: Establishment, names: dict[str, str], unit_partial: bool) -> Place:
    partial = unit_partial or row.diffusion == "P"
    code = row.arrondissement_code or row.commune_code
    return Place(
        siret=row.siret,
        siren=row.siren,
        name=row.enseigne or row.usual_name or row.name,
        street="" if partial else row.address,
        postal_code=row.postal_code,
        commune_code=row.commune_code,
        commune_name=names.get(code) or names.get(row.commune_code, row.commune_code),
        is_head_office=row.is_head_office,
        is_open=row.state == "A",
        naf=row.naf,
        lat=None if partial else row.lat,
        lon=None if partial else row.lon,
        partial=partial,
    )


def current_run() -> ImportRun | None:
    return ImportRun.objects.current()


def official_for(siren: str) -> Official | None:
    """The legal unit `siren` and its establishments in the current import; None if absent."""
    run = current_run()
    if run is None or not siren:
        return None
    unit = LegalUnit.objects.filter(run=run, siren=siren).first()
    if unit is None:
        return None
    # A SIRET starts with its SIREN: a range on the (run, siret) index, not a scan by siren.
    rows = list(
        Establishment.objects.filter(
            run=run, siret__range=(siren + "00000", siren + "99999")
        ).order_by("-is_head_office", "siret")
    )
    names = _commune_names(
        [r.commune_code for r in rows]
        + [r.arrondissement_code for r in rows if r.arrondissement_code]
    )
    places = [_place(r, names, unit.diffusion == "P") for r in rows]
    return Official(run=run, legal_unit=unit, establishments=places)


def _box(lat: float, lon: float, km: float) -> tuple[tuple[float, float], tuple[float, float]]:
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    return (lat - dlat, lat + dlat), (lon - dlon, lon + dlon)


def nearby(lat: float, lon: float, *, exclude_siren: str = "", limit: int = NEARBY_LIMIT):
    """ESS establishments of the current import around (lat, lon), one per legal unit, nearest
    first (great-circle distance). The candidates are read with the (run, commune) index: the
    communes whose centroid lies in a box around the point, then a bounding box on the
    coordinates; the box grows (1, 3, 10 km) until enough structures are found. Partially
    diffused establishments have no public position and are left out."""
    run = current_run()
    if run is None:
        return []
    best: dict[str, tuple[float, Establishment]] = {}
    for km in NEARBY_STEPS_KM:
        lat_range, lon_range = _box(lat, lon, km + COMMUNE_MARGIN_KM)
        codes = list(
            Commune.objects.filter(lat__range=lat_range, lon__range=lon_range).values_list(
                "code", flat=True
            )
        )
        lat_range, lon_range = _box(lat, lon, km)
        rows = list(
            Establishment.objects.filter(
                run=run,
                commune_code__in=codes,
                state="A",
                lat__range=lat_range,
                lon__range=lon_range,
            )
            .exclude(diffusion="P")
            .exclude(siren=exclude_siren)[:NEARBY_MAX_ROWS]
        )
        partial_units = _partial_units(run, {r.siren for r in rows})
        best = {}
        for row in rows:
            if row.siren in partial_units:
                continue
            distance = haversine_km(lat, lon, row.lat, row.lon)
            if distance <= km and (row.siren not in best or distance < best[row.siren][0]):
                best[row.siren] = (distance, row)
        if len(best) >= limit:
            break
    chosen = sorted(best.values(), key=lambda item: (item[0], item[1].siret))[:limit]
    names = _commune_names(r.commune_code for _d, r in chosen)
    result = []
    for distance, row in chosen:
        place = _place(row, names, False)
        place.distance_km = round(distance, 1)
        result.append(place)
    return result


def _partial_units(run, sirens) -> set[str]:
    return set(
        LegalUnit.objects.filter(run=run, siren__in=sirens, diffusion="P").values_list(
            "siren", flat=True
        )
    )


def same_sector(place: Place, *, exclude_siren: str, limit: int = SAME_SECTOR_LIMIT):
    """Active ESS establishments with the same NAF division in the same EPCI (or commune when
    the commune belongs to no EPCI), one per legal unit."""
    run = current_run()
    division = (place.naf or "")[:2]
    if run is None or not division:
        return []
    rows = Establishment.objects.filter(run=run, naf_division=division, state="A").exclude(
        siren=exclude_siren
    )
    epci = (
        Establishment.objects.filter(run=run, siret=place.siret)
        .values_list("epci_siren", flat=True)
        .first()
    )
    rows = rows.filter(epci_siren=epci) if epci else rows.filter(commune_code=place.commune_code)
    picked: dict[str, Establishment] = {}
    for row in rows.order_by("-is_head_office", "siret")[: limit * 10]:
        picked.setdefault(row.siren, row)
        if len(picked) == limit:
            break
    partial_units = _partial_units(run, set(picked))
    names = _commune_names(r.commune_code for r in picked.values())
    return [_place(r, names, r.siren in partial_units) for r in picked.values()]
