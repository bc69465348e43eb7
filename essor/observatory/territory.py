"""A territory as pages address it: a kind and a code (INSEE code, SIREN for EPCI, QPV code)."""

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.http import Http404

from essor.territories.enums import TerritoryKind
from essor.territories.lookup import communes_in
from essor.territories.models import Commune, Departement, Epci, Perimeter, Qpv, Region


@dataclass(frozen=True)
class Territory:
    kind: str
    code: str
    name: str
    population: int | None
    obj: object | None

    @property
    def kind_label(self) -> str:
        if self.kind == TerritoryKind.EPCI and self.obj is not None:
            return self.obj.get_nature_display()
        return TerritoryKind(self.kind).label

    def establishment_filter(self) -> Q:
        """Filter on essor.sirene Establishment rows inside this territory."""
        if self.kind == TerritoryKind.FRANCE:
            return Q()
        if self.kind == TerritoryKind.REGION:
            return Q(region_code=self.code)
        if self.kind == TerritoryKind.DEPARTEMENT:
            return Q(departement_code=self.code)
        if self.kind == TerritoryKind.EPCI:
            return Q(epci_siren=self.code)
        if self.kind == TerritoryKind.COMMUNE:
            if self.obj is not None and self.obj.kind == "ARM":
                return Q(arrondissement_code=self.code)
            return Q(commune_code=self.code)
        if self.kind == TerritoryKind.QPV:
            return Q(qpv_code=self.code)
        return Q(commune_code__in=self.commune_codes())

    def commune_codes(self) -> list[str]:
        """Current communes of the territory (for aggregates keyed by commune)."""
        return communes_in(self.kind, self.code)


_MODELS = {
    TerritoryKind.REGION: (Region, "code"),
    TerritoryKind.DEPARTEMENT: (Departement, "code"),
    TerritoryKind.EPCI: (Epci, "siren"),
    TerritoryKind.COMMUNE: (Commune, "code"),
    TerritoryKind.QPV: (Qpv, "code"),
    TerritoryKind.PERIMETER: (Perimeter, "slug"),
}


def get_territory(kind: str, code: str) -> Territory:
    """The territory, or Http404 for an unknown kind or code."""
    if kind == TerritoryKind.FRANCE:
        population = Commune.objects.filter(kind="COM").aggregate(total=Sum("population"))["total"]
        return Territory(kind, "FR", "France", population, None)
    if kind not in _MODELS:
        raise Http404("Type de territoire inconnu.")
    model, field = _MODELS[kind]
    obj = model.objects.filter(**{field: code}).first()
    if obj is None:
        raise Http404("Territoire introuvable.")
    population = getattr(obj, "population", None)
    if kind == TerritoryKind.PERIMETER:
        population = obj.communes.aggregate(total=Sum("population"))["total"]
    return Territory(kind, code, obj.name, population, obj)
