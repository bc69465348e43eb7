"""Headline ESS figures of a territory, read from the current Sirene import.

Definitions (shown on the page next to each figure):
- établissements ESS actifs: establishments with état administratif A whose legal unit is in the
  chosen perimeter (statistique or loi 2014);
- établissements employeurs: caractereEmployeurEtablissement = O, or a tranche d'effectif other
  than NN / empty (domain.md §7.3);
- salariés estimés: sum of the midpoints of the establishments' tranches d'effectif (tranche 53,
  « 10 000 et plus », counts 10 000). An estimate: it names its reference years and the share of
  active establishments without tranche.
Counts are exact integers; the estimate is summed unrounded and rounded only for display.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from essor.ess.enums import EssFamily, Perimeter
from essor.nomenclatures.workforce import midpoint_for
from essor.observatory.territory import Territory
from essor.sirene.models import Establishment, EstablishmentAggregate, ImportRun

FAMILY_ORDER = [
    EssFamily.ASSOCIATION,
    EssFamily.COOPERATIVE,
    EssFamily.MUTUELLE,
    EssFamily.FONDATION,
    EssFamily.COMMERCIAL,
    EssFamily.OUTSIDE,
]
NON_EMPLOYER_BANDS = {"", "NN"}


@dataclass
class FamilyFigures:
    family: str
    label: str
    establishments: int = 0
    employer_establishments: int = 0
    estimated_employees: float = 0.0


@dataclass
class KeyFigures:
    run: ImportRun
    perimeter: str
    establishments: int = 0
    employer_establishments: int = 0
    estimated_employees: float = 0.0
    without_band: int = 0
    reference_years: dict[int, int] = field(default_factory=dict)
    by_family: list[FamilyFigures] = field(default_factory=list)
    all_active_establishments: int | None = None

    @property
    def without_band_share(self) -> float | None:
        return self.without_band / self.establishments if self.establishments else None

    @property
    def ess_share(self) -> float | None:
        if not self.all_active_establishments:
            return None
        return self.establishments / self.all_active_establishments

    @property
    def year_range(self) -> tuple[int, int] | None:
        years = [y for y in self.reference_years if y]
        return (min(years), max(years)) if years else None


def perimeter_filter(perimeter: str) -> dict:
    if perimeter == Perimeter.LOI_2014:
        return {"legal_unit__in_loi2014": True}
    return {"legal_unit__in_statistique": True}


def is_employer(band: str, employer: bool | None) -> bool:
    return employer is True or band not in NON_EMPLOYER_BANDS


def compute_key_figures(territory: Territory, perimeter: str) -> KeyFigures | None:
    run = ImportRun.objects.filter(is_current=True).first()
    if run is None:
        return None
    active = Establishment.objects.filter(run=run, state="A", **perimeter_filter(perimeter))
    active = active.filter(territory.establishment_filter())
    figures = KeyFigures(run=run, perimeter=perimeter)
    families: dict[str, FamilyFigures] = {
        f.value: FamilyFigures(f.value, str(f.label)) for f in FAMILY_ORDER
    }
    rows = active.values("legal_unit__family", "workforce_band", "employer").annotate(n=Count("id"))
    for row in rows:
        family = families[row["legal_unit__family"]]
        band, n = row["workforce_band"] or "", row["n"]
        estimate = n * (midpoint_for(band) or 0.0)
        employer = n if is_employer(band, row["employer"]) else 0
        for target in (family, figures):
            target.establishments += n
            target.employer_establishments += employer
            target.estimated_employees += estimate
        if band == "":
            figures.without_band += n
    years: Counter = Counter()
    for row in active.values("workforce_year").annotate(n=Count("id")):
        years[row["workforce_year"]] += row["n"]
    figures.reference_years = dict(sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0])))
    figures.by_family = [f for f in families.values() if f.establishments]
    figures.all_active_establishments = _all_active(territory, run)
    return figures


def _all_active(territory: Territory, run: ImportRun) -> int | None:
    """All active establishments (ESS or not) of the territory, from the import's aggregates.
    Not available below the commune level (QPV): aggregates are kept per commune."""
    if territory.kind == "qpv":
        return None
    aggregates = EstablishmentAggregate.objects.filter(run=run, state="A", commune_known=True)
    if territory.kind != "france":
        aggregates = aggregates.filter(commune_code__in=territory.commune_codes())
    return aggregates.aggregate(total=Sum("count"))["total"] or 0


def by_family_table(figures: KeyFigures) -> list[dict]:
    """Rows for the accessible data table and the CSV export."""
    table = defaultdict(dict)
    for family in figures.by_family:
        table[family.family] = {
            "famille": family.label,
            "etablissements": family.establishments,
            "etablissements_employeurs": family.employer_establishments,
            "salaries_estimes": round(family.estimated_employees),
        }
    return list(table.values())
