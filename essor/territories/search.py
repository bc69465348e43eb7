"""Territory search for pickers and the search box: names (accent- and case-insensitive), INSEE
codes, postal codes and SIREN, over régions, départements, EPCI, communes and QPV.

Only portable lookups (exact, startswith, contains on the folded `search_name`), so SQLite and
PostgreSQL return the same results.
"""

import re

from django.db.models import Count, Q, QuerySet

from essor.lib.text import fold
from essor.territories.enums import CommuneKind, EpciNature, TerritoryKind
from essor.territories.models import Commune, Departement, Epci, Qpv, Region

# Match classes, best first.
EXACT_CODE, EXACT_NAME, NAME_PREFIX, WORD_PREFIX, NAME_CONTAINS = range(5)
HEAVY = ("geometry", "bbox")
ARTICLES = ("le", "la", "les", "l")  # "mans" is the exact name of "Le Mans"
# On equal match class and population, communes come first.
KIND_ORDER = ["commune", "epci", "departement", "region", "qpv"]
CODE_LIKE = re.compile(r"^(\d[\dAB]\d{0,7}|QP\d{6}|QN\d{5}[A-Z]?)$", re.IGNORECASE)


def search_territories(query: str, limit: int = 10) -> list[dict]:
    """Up to `limit` territories matching `query`, best first: exact codes (INSEE, postal code,
    SIREN), then exact names, name prefixes, word prefixes and substrings; ties by population.

    Each result is {kind, code, name, detail, population}, e.g. {"kind": "commune",
    "code": "44109", "name": "Nantes", "detail": "Commune · Loire-Atlantique (44)", …}."""
    query = (query or "").strip()
    if not query:
        return []
    found: dict[tuple[str, str], tuple[int, dict]] = {}

    def add(match: int, results: list[dict]) -> None:
        for result in results:
            key = (result["kind"], result["code"])
            if key not in found or found[key][0] > match:
                found[key] = (match, result)

    compact = query.replace(" ", "")
    if CODE_LIKE.match(compact):
        add(EXACT_CODE, by_code(compact.upper()))
    folded = fold(query)
    if folded:
        for kind, queryset in name_querysets():
            add_names(add, kind, queryset, folded, limit)
    ranked = sorted(
        found.values(),
        key=lambda item: (
            item[0],
            -(item[1]["population"] or 0),
            KIND_ORDER.index(item[1]["kind"]),
        ),
    )
    return [result for _, result in ranked[:limit]]


def add_names(add, kind: str, queryset: QuerySet, folded: str, limit: int) -> None:
    ordered = queryset.order_by("-population")
    exact = [folded, *(f"{article} {folded}" for article in ARTICLES)]
    add(EXACT_NAME, describe(kind, ordered.filter(search_name__in=exact)[:limit]))
    add(NAME_PREFIX, describe(kind, ordered.filter(search_name__startswith=folded)[:limit]))
    add(WORD_PREFIX, describe(kind, ordered.filter(search_name__contains=f" {folded}")[:limit]))
    add(NAME_CONTAINS, describe(kind, ordered.filter(search_name__contains=folded)[:limit]))


def name_querysets() -> list[tuple[str, QuerySet]]:
    return [
        (TerritoryKind.REGION, Region.objects.defer(*HEAVY)),
        (TerritoryKind.DEPARTEMENT, departements()),
        (TerritoryKind.EPCI, epcis()),
        (TerritoryKind.COMMUNE, communes()),
        (TerritoryKind.QPV, Qpv.objects.defer(*HEAVY, "full_geometry")),
    ]


def epcis() -> QuerySet:
    members = Count("communes", filter=Q(communes__kind=CommuneKind.COMMUNE))
    return Epci.objects.defer(*HEAVY).annotate(member_count=members)


def communes() -> QuerySet:
    return Commune.objects.select_related("departement").defer(*HEAVY, "departement__geometry")


def departements() -> QuerySet:
    return Departement.objects.select_related("region").defer(*HEAVY, "region__geometry")


def by_code(code: str) -> list[dict]:
    """Exact matches of an INSEE, postal, SIREN or QPV code."""
    results: list[dict] = []
    if code.startswith(("QP", "QN")):
        return describe(TerritoryKind.QPV, Qpv.objects.filter(code=code))
    if len(code) <= 3:
        results += describe(TerritoryKind.DEPARTEMENT, departements().filter(code=code))
        results += describe(TerritoryKind.REGION, Region.objects.defer(*HEAVY).filter(code=code))
    elif len(code) == 5:
        postal = Q(postal_codes__contains=code) if code.isdigit() else Q(pk__in=[])
        matches = communes().filter(Q(code=code) | postal).order_by("-population")
        results += describe(TerritoryKind.COMMUNE, matches[:20])
    elif len(code) == 9 and code.isdigit():
        results += describe(TerritoryKind.EPCI, epcis().filter(siren=code))
        results += describe(TerritoryKind.COMMUNE, communes().filter(siren=code))
        results += describe(
            TerritoryKind.DEPARTEMENT,
            Departement.objects.select_related("region").filter(siren=code),
        )
        results += describe(TerritoryKind.REGION, Region.objects.defer(*HEAVY).filter(siren=code))
    return results


def describe(kind: str, objects) -> list[dict]:
    return [
        {
            "kind": str(kind),
            "code": obj.pk,
            "name": obj.name,
            "detail": detail(kind, obj),
            "population": obj.population,
        }
        for obj in objects
    ]


def detail(kind: str, obj) -> str:
    if kind == TerritoryKind.COMMUNE:
        label = CommuneKind(obj.kind).label
        departement = obj.departement
        return f"{label} · {departement.name} ({departement.code})"
    if kind == TerritoryKind.EPCI:
        count = getattr(obj, "member_count", None)
        if count is None:
            count = obj.communes.filter(kind=CommuneKind.COMMUNE).count()
        return f"{EpciNature(obj.nature).label} · {count} commune{'s' if count > 1 else ''}"
    if kind == TerritoryKind.DEPARTEMENT:
        return f"Département ({obj.code}) · {obj.region.name}"
    if kind == TerritoryKind.REGION:
        return f"Région ({obj.code})"
    return f"Quartier prioritaire {obj.generation} ({obj.code})"
