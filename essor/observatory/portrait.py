"""The portrait of a territory: the one data shape that pages, exports, the API and the
`essor indicators export` command all read, so that they can only show the same numbers.

`get_portrait(territory, perimeter)` (essor.observatory.read) returns a Portrait built from the
pre-aggregated indicator blocks of the current import; `essor.observatory.direct` builds the same
Portrait straight from the detail tables (the benchmark baseline and a test oracle).

Conventions:
- counts are exact ints; estimates (salariés estimés) are floats summed unrounded, rounded only
  for display;
- every Table has a stable `slug` (used in URLs, file names, API keys) and typed columns; the rows
  are plain dicts keyed by column key, JSON-serialisable;
- a value that cannot be computed for this territory (ESS share of a QPV: the all-establishment
  aggregates are per commune) is None, never 0.
"""

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["text", "int", "float", "share", "year"]

# Table slugs, in page order. Pages, exports and the API iterate over Portrait.tables in this order.
TABLE_SLUGS = [
    "familles",  # ESS family: measures
    "categories_juridiques",  # CJ niveau III code + label + family: measures
    "secteurs_ess",  # ESS sector grouping (essor.observatory.sectors): measures
    "sections_naf",  # NAF section A–U: measures
    "divisions_naf",  # NAF division 01–99 with its section: measures
    "champs_thematiques",  # thematic fields (NAF lists + manual tags); not additive
    "tranches_effectif",  # size distribution of active establishments
    "annees_effectif",  # reference years of the tranches
    "part_economie",  # ESS vs all establishments: active, employer, estimated employment
    "dynamique",  # creations, closures, net balance per year
    "survie",  # survival of the establishments created in a given year
    "qpv",  # ESS establishments inside each QPV of the territory, and within 300 m
    "sous_territoires",  # one row per sub-territory (choropleth + consistency checks)
    "plus_grands_employeurs",  # largest active establishments by tranche
]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "int"


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[dict]
    # « sources et méthode » note specific to this table (definition, caveats).
    method: str = ""

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass
class Headline:
    establishments: int = 0  # active ESS establishments
    employer_establishments: int = 0
    estimated_employees: float = 0.0
    without_band: int = 0  # active ESS establishments without tranche
    reference_years: dict[int | None, int] = field(default_factory=dict)
    # All establishments (ESS or not) of the territory, from the import's aggregates;
    # None below the commune level (QPV).
    all_establishments: int | None = None
    all_employer_establishments: int | None = None
    all_estimated_employees: float | None = None
    population: int | None = None
    qpv_inside: int | None = None  # active ESS establishments inside a QPV
    qpv_near: int | None = None  # … outside any QPV but within 300 m of one

    @property
    def without_band_share(self) -> float | None:
        return self.without_band / self.establishments if self.establishments else None

    @property
    def share_establishments(self) -> float | None:
        return _share(self.establishments, self.all_establishments)

    @property
    def share_employers(self) -> float | None:
        return _share(self.employer_establishments, self.all_employer_establishments)

    @property
    def share_employment(self) -> float | None:
        return _share(self.estimated_employees, self.all_estimated_employees)

    @property
    def density_per_10k(self) -> float | None:
        return self.establishments * 10_000 / self.population if self.population else None


def _share(part, whole) -> float | None:
    return part / whole if whole else None


@dataclass
class Portrait:
    territory: object  # essor.observatory.territory.Territory
    perimeter: str  # essor.ess.enums.Perimeter value
    run: object  # essor.sirene.models.ImportRun the figures come from
    headline: Headline
    tables: dict[str, Table]  # keyed by slug, in TABLE_SLUGS order

    def table(self, slug: str) -> Table:
        return self.tables[slug]
