"""Populations and contours of EPCI, départements and régions computed from their member
communes, when the source does not provide them."""

from collections import defaultdict

from essor.territories import geometry
from essor.territories.enums import CommuneKind
from essor.territories.loaders.records import Referential

KINDS = ("epci", "departement", "region")


def members(ref: Referential) -> dict[str, dict[str, list[str]]]:
    """{kind: {code: [current commune codes]}} (arrondissements are left out: their parent
    commune already covers them)."""
    groups: dict[str, dict[str, list[str]]] = {kind: defaultdict(list) for kind in KINDS}
    for commune in ref.communes.values():
        if commune.kind != CommuneKind.COMMUNE:
            continue
        if commune.epci_siren:
            groups["epci"][commune.epci_siren].append(commune.code)
        groups["departement"][commune.departement_code].append(commune.code)
        region = ref.departements[commune.departement_code].region_code
        groups["region"][region].append(commune.code)
    return groups


def fill_aggregates(ref: Referential, wanted: dict[str, set[str]] | None = None) -> None:
    """Sets `ref.populations` and the missing `ref.geometries` of EPCI, départements and régions
    (only the codes of `wanted[kind]` when given, to keep partial loads fast)."""
    groups = members(ref)
    populations = {c.code: c.population for c in ref.communes.values()}
    commune_geometries = ref.geometries.get("commune", {})
    for kind in KINDS:
        codes = groups[kind].keys() if wanted is None else wanted.get(kind, set())
        known = ref.geometries.setdefault(kind, {})
        totals = ref.populations.setdefault(kind, {})
        for code in codes:
            member_codes = groups[kind].get(code, [])
            totals.setdefault(code, sum(populations[m] or 0 for m in member_codes) or None)
            if code in known:
                continue
            if kind == "region":
                parts = [
                    known_departement
                    for d in ref.departements.values()
                    if d.region_code == code
                    and (known_departement := ref.geometries["departement"].get(d.code))
                ]
                if len(parts) < sum(1 for d in ref.departements.values() if d.region_code == code):
                    parts = [commune_geometries.get(m) for m in member_codes]
            else:
                parts = [commune_geometries.get(m) for m in member_codes]
            merged = geometry.union(parts)
            if merged is not None:
                known[code] = merged


def wanted_codes(restricted: Referential) -> dict[str, set[str]]:
    return {
        "epci": set(restricted.epcis),
        "departement": set(restricted.departements),
        "region": set(restricted.regions),
    }
