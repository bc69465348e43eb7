"""Territories side by side: their headline figures, the indicators a comparison can rank by,
the presets (the 22 métropoles, comparable territories) and the population bands.

Population bands used by « territoires comparables » (population municipale, Insee):

| Band | Population |
|---|---|
| 1 | fewer than 2 000 |
| 2 | 2 000 to 9 999 |
| 3 | 10 000 to 49 999 |
| 4 | 50 000 to 99 999 |
| 5 | 100 000 to 199 999 |
| 6 | 200 000 to 499 999 |
| 7 | 500 000 to 999 999 |
| 8 | 1 000 000 and more |

Comparable to a territory: same kind (and same nature for an EPCI: métropole, communauté
urbaine, d'agglomération, de communes), same population band, nearest populations first, up to
`MAX_TERRITORIES` in all (the territory itself first). QPV and custom perimeters have no
comparables.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Func

from essor.observatory.portrait import Headline
from essor.observatory.territory import Territory, get_territory
from essor.territories.enums import CommuneKind, EpciNature, TerritoryKind
from essor.territories.models import Commune, Departement, Epci, Region

MAX_TERRITORIES = 40
POPULATION_BANDS = [0, 2_000, 10_000, 50_000, 100_000, 200_000, 500_000, 1_000_000]
METROPOLE_NATURES = [EpciNature.METRO, EpciNature.MET69]


def population_band(population: int | None) -> int | None:
    """Band number (1–8) of a population, None when unknown."""
    if population is None:
        return None
    return sum(1 for low in POPULATION_BANDS if population >= low)


def band_bounds(band: int) -> tuple[int, int | None]:
    """(lowest population, highest excluded or None) of a band."""
    low = POPULATION_BANDS[band - 1]
    high = POPULATION_BANDS[band] if band < len(POPULATION_BANDS) else None
    return low, high


def band_label(band: int | None) -> str:
    if band is None:
        return "population inconnue"
    low, high = band_bounds(band)
    if high is None:
        return f"{low:,} habitants et plus".replace(",", "\u202f")
    if low == 0:
        return f"moins de {high:,} habitants".replace(",", "\u202f")
    return f"{low:,} à {high - 1:,} habitants".replace(",", "\u202f")


def _per_10k(value: float | None, population: int | None) -> float | None:
    return value * 10_000 / population if value is not None and population else None


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    kind: str  # "int", "float", "share"
    value: Callable[[Headline], float | None]


INDICATORS = [
    Indicator("etablissements", "Établissements ESS actifs", "int", lambda h: h.establishments),
    Indicator(
        "employeurs", "Établissements employeurs", "int", lambda h: h.employer_establishments
    ),
    Indicator(
        "salaries", "Salarié·es (estimation)", "float", lambda h: round(h.estimated_employees)
    ),
    Indicator(
        "etablissements_10k",
        "Établissements pour 10 000 habitant·es",
        "float",
        lambda h: h.density_per_10k,
    ),
    Indicator(
        "employeurs_10k",
        "Employeurs pour 10 000 habitant·es",
        "float",
        lambda h: _per_10k(h.employer_establishments, h.population),
    ),
    Indicator(
        "salaries_10k",
        "Salarié·es estimé·es pour 10 000 habitant·es",
        "float",
        lambda h: _per_10k(h.estimated_employees, h.population),
    ),
    Indicator(
        "part_etablissements",
        "Part de l'ESS dans les établissements actifs",
        "share",
        lambda h: h.share_establishments,
    ),
    Indicator(
        "part_employeurs",
        "Part de l'ESS dans les établissements employeurs",
        "share",
        lambda h: h.share_employers,
    ),
    Indicator(
        "part_emploi",
        "Part de l'ESS dans l'emploi salarié estimé",
        "share",
        lambda h: h.share_employment,
    ),
    Indicator("qpv_dedans", "Établissements dans un QPV", "int", lambda h: h.qpv_inside),
    Indicator(
        "qpv_proche", "Établissements à moins de 300 m d'un QPV", "int", lambda h: h.qpv_near
    ),
    Indicator("population", "Population", "int", lambda h: h.population),
]
INDICATORS_BY_KEY = {i.key: i for i in INDICATORS}
DEFAULT_INDICATOR = "etablissements_10k"
HEADLINE_CACHE_SECONDS = 6 * 3600


@dataclass
class Line:
    territory: Territory
    headline: Headline | None

    def value(self, indicator: Indicator) -> float | None:
        return indicator.value(self.headline) if self.headline else None


def get_headlines(territories: list[Territory], perimeter: str) -> list[Line]:
    """The headline of each territory in `perimeter` (None for all when there is no import).

    Reads each territory's Portrait (essor.observatory.read.get_portrait) and keeps its headline,
    cached per import run: a headline only changes with the import (the editable thematic
    fields are not part of it), so a comparison of the 22 métropoles is computed once per run
    and process. A headline-only read from the engine would make the first view faster."""
    from essor.observatory.read import get_portrait
    from essor.sirene.models import ImportRun

    run = ImportRun.objects.filter(is_current=True).values_list("pk", "started_at").first()
    if run is None:
        return [Line(territory, None) for territory in territories]
    version = f"{run[0]}:{run[1].timestamp()}"
    keys = [f"essor:headline:v1:{version}:{perimeter}:{t.kind}:{t.code}" for t in territories]
    cached = cache.get_many(keys)
    lines = []
    for territory, key in zip(territories, keys, strict=True):
        headline = cached.get(key)
        if headline is None:
            portrait = get_portrait(territory, perimeter)
            headline = portrait.headline if portrait else None
            if headline is not None:
                cache.set(key, headline, HEADLINE_CACHE_SECONDS)
        lines.append(Line(territory, headline))
    return lines


def sort_lines(lines: list[Line], indicator: Indicator, descending: bool = True) -> list[Line]:
    """Lines by the indicator; territories without a value always last."""
    known = [line for line in lines if line.value(indicator) is not None]
    unknown = [line for line in lines if line.value(indicator) is None]
    known.sort(key=lambda line: line.territory.name)  # ties stay in name order
    known.sort(key=lambda line: line.value(indicator), reverse=descending)
    return known + unknown


def parse_reference(value: str) -> tuple[str, str] | None:
    """("epci", "244400404") from "epci:244400404"; None when malformed."""
    kind, sep, code = (value or "").strip().partition(":")
    kind = kind.strip().lower()
    if not sep or not code.strip() or kind not in TerritoryKind.values:
        return None
    return kind, code.strip()


def resolve(references: list[str]) -> tuple[list[Territory], list[str]]:
    """(territories found, in order and without duplicates; references not found)."""
    from django.http import Http404

    found, unknown, seen = [], [], set()
    for reference in references:
        parsed = parse_reference(reference)
        if parsed is None:
            unknown.append(reference)
            continue
        try:
            territory = get_territory(*parsed)
        except Http404:
            unknown.append(reference)
            continue
        key = (territory.kind, territory.code)
        if key not in seen:
            seen.add(key)
            found.append(territory)
    return found, unknown


def reference(territory: Territory) -> str:
    return f"{territory.kind}:{territory.code}"


def metropoles() -> list[str]:
    """References of the métropoles (EPCI of nature METRO, and the Métropole de Lyon), by name."""
    rows = Epci.objects.filter(nature__in=METROPOLE_NATURES).order_by("name")
    return [f"{TerritoryKind.EPCI}:{siren}" for siren in rows.values_list("siren", flat=True)]


def comparables(territory: Territory, limit: int = MAX_TERRITORIES) -> list[str]:
    """References of the territory and of those comparable to it (module docstring)."""
    band = population_band(territory.population)
    if band is None or territory.kind not in (
        TerritoryKind.EPCI,
        TerritoryKind.COMMUNE,
        TerritoryKind.DEPARTEMENT,
        TerritoryKind.REGION,
    ):
        return [reference(territory)]
    low, high = band_bounds(band)
    if territory.kind == TerritoryKind.EPCI:
        rows = Epci.objects.filter(nature=territory.obj.nature)
    elif territory.kind == TerritoryKind.COMMUNE:
        rows = Commune.objects.filter(kind=CommuneKind.COMMUNE)
    elif territory.kind == TerritoryKind.DEPARTEMENT:
        rows = Departement.objects.all()
    else:
        rows = Region.objects.all()
    rows = rows.filter(population__gte=low)
    if high is not None:
        rows = rows.filter(population__lt=high)
    distance = Func(F("population") - territory.population, function="ABS")
    key = "siren" if territory.kind == TerritoryKind.EPCI else "code"
    codes = list(
        rows.exclude(pk=territory.code)
        .annotate(distance=distance)
        .order_by("distance", key)
        .values_list(key, flat=True)[: limit - 1]
    )
    return [reference(territory), *(f"{territory.kind}:{code}" for code in codes)]
