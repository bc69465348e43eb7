"""What a portrait shows around its territory: its sub-territories (the `sous_territoires` table)
and its QPV (the `qpv` table). Shared by the direct and the pre-aggregated paths."""

from essor.observatory.assemble import SubTerritory
from essor.territories.enums import CommuneKind, TerritoryKind
from essor.territories.models import Commune, Departement, Epci, Qpv, Region

K = TerritoryKind


def is_arrondissement(territory) -> bool:
    return territory.kind == K.COMMUNE and getattr(territory.obj, "kind", "") == "ARM"


def has_economy(territory) -> bool:
    """All-establishment aggregates exist per commune: not for QPV nor arrondissements."""
    return territory.kind != K.QPV and not is_arrondissement(territory)


def children(territory) -> list[SubTerritory]:
    """France → régions, région → départements, département → EPCI (whole), EPCI and
    perimeter → communes, commune with arrondissements → arrondissements; else none."""
    kind, code = territory.kind, territory.code
    if kind == K.FRANCE:
        rows, child = Region.objects.values_list("code", "name", "population"), K.REGION
    elif kind == K.REGION:
        rows = Departement.objects.filter(region_id=code).values_list("code", "name", "population")
        child = K.DEPARTEMENT
    elif kind == K.DEPARTEMENT:
        rows = (
            Epci.objects.filter(communes__departement_id=code, communes__kind=CommuneKind.COMMUNE)
            .distinct()
            .values_list("siren", "name", "population")
        )
        child = K.EPCI
    elif kind == K.EPCI:
        rows = Commune.objects.filter(epci_id=code, kind=CommuneKind.COMMUNE).values_list(
            "code", "name", "population"
        )
        child = K.COMMUNE
    elif kind == K.PERIMETER:
        rows = territory.obj.communes.filter(kind=CommuneKind.COMMUNE).values_list(
            "code", "name", "population"
        )
        child = K.COMMUNE
    elif kind == K.COMMUNE and not is_arrondissement(territory):
        rows = Commune.objects.filter(parent_id=code, kind=CommuneKind.ARRONDISSEMENT).values_list(
            "code", "name", "population"
        )
        child = K.COMMUNE
    else:
        return []
    return [SubTerritory(child, c, name, population) for c, name, population in sorted(rows)]


def child_of_commune(territory, subs: list[SubTerritory]) -> dict[str, str]:
    """{current commune code: sub-territory code} to spread the per-commune aggregates."""
    codes = [s.code for s in subs]
    if not subs or territory.kind == K.COMMUNE:
        return {}
    kind = subs[0].kind
    communes = Commune.objects.filter(kind=CommuneKind.COMMUNE)
    if kind == K.REGION:
        pairs = communes.filter(departement__region_id__in=codes).values_list(
            "code", "departement__region_id"
        )
    elif kind == K.DEPARTEMENT:
        pairs = communes.filter(departement_id__in=codes).values_list("code", "departement_id")
    elif kind == K.EPCI:
        pairs = communes.filter(epci_id__in=codes).values_list("code", "epci_id")
    else:
        return {c: c for c in codes}
    return dict(pairs)


def qpvs(territory) -> list[tuple[str, str]]:
    """(code, name) of the QPV of the territory: linked to one of its communes (to the
    arrondissement itself for an arrondissement municipal)."""
    if territory.kind == K.QPV:
        return [(territory.code, territory.name)]
    if territory.kind == K.FRANCE:
        rows = Qpv.objects.all()
    elif territory.kind == K.REGION:
        rows = Qpv.objects.filter(communes__departement__region_id=territory.code)
    elif territory.kind == K.DEPARTEMENT:
        rows = Qpv.objects.filter(communes__departement_id=territory.code)
    elif territory.kind == K.EPCI:
        rows = Qpv.objects.filter(communes__epci_id=territory.code)
    elif is_arrondissement(territory):
        rows = Qpv.objects.filter(communes__code=territory.code)
    else:
        rows = Qpv.objects.filter(communes__code__in=territory.commune_codes())
    return sorted(set(rows.values_list("code", "name")))


def commune_names(codes) -> dict[str, str]:
    return dict(Commune.objects.filter(code__in=set(codes)).values_list("code", "name"))
