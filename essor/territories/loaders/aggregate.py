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


def fill_aggregates(
    ref: Referential, wanted: dict[str, set[str]] | None = None, progress=None
) -> None:
    """Sets `ref.populations` and the missing `ref.geometries` of EPCI, départements and régions
    (only the codes of `wanted[kind]` when given, to keep partial loads fast)."""
    groups = members(ref)
    populations = {c.code: c.population for c in ref.communes.values()}
    commune_geometries = ref.geometries.get("commune", {})
    snapped = snapped_members(ref, groups, wanted)
    for kind in KINDS:
        codes = groups[kind].keys() if wanted is None else wanted.get(kind, set())
        known = ref.geometries.setdefault(kind, {})
        totals = ref.populations.setdefault(kind, {})
        codes = list(codes)
        for code in progress(codes, f"union {kind}", len(codes)) if progress else codes:
            member_codes = groups[kind].get(code, [])
            totals.setdefault(code, sum(populations[m] or 0 for m in member_codes) or None)
            if code in known:
                continue
            parts = region_parts(ref, code) if kind == "region" else None
            if parts:
                merged = geometry.union(parts, parts)
            else:
                merged = geometry.union(
                    [commune_geometries.get(m) for m in member_codes],
                    [snapped.get(m) for m in member_codes],
                )
            if merged is not None:
                known[code] = merged


def region_parts(ref: Referential, code: str) -> list | None:
    """The contours of the départements of région `code`, None unless all of them are known."""
    known = ref.geometries.get("departement", {})
    parts = [known.get(d.code) for d in ref.departements.values() if d.region_code == code]
    return parts if parts and all(p is not None for p in parts) else None


def snapped_members(
    ref: Referential, groups: dict[str, dict[str, list[str]]], wanted: dict[str, set[str]] | None
) -> dict[str, object]:
    """Snapped geometries of the communes whose union is needed (snapping once for all kinds)."""
    known = ref.geometries.get("commune", {})
    needed = set()
    for kind in KINDS:
        codes = groups[kind].keys() if wanted is None else wanted.get(kind, set())
        for code in codes:
            if code not in ref.geometries.get(kind, {}):
                needed.update(groups[kind].get(code, []))
    codes = sorted(c for c in needed if known.get(c) is not None)
    snapped = geometry.snap(geometry.as_array(known[c] for c in codes))
    return dict(zip(codes, snapped, strict=True))


def wanted_codes(restricted: Referential) -> dict[str, set[str]]:
    return {
        "epci": set(restricted.epcis),
        "departement": set(restricted.departements),
        "region": set(restricted.regions),
    }
