"""From measures per (dimension, key) to a Portrait: the one place where tables, their columns,
order and « sources et méthode » notes are defined.

Both essor.observatory.direct (from the detail tables) and essor.observatory.read (from the
pre-aggregated IndicatorBlock rows) produce a `PortraitData` and call `assemble`, so that they can
only differ by the numbers they feed in.

Dimensions (the [dimension, key, …] entries of IndicatorBlock.cells):
- total (""), family (EssFamily), cj (catégorie juridique niveau III), division (NAF rév. 2
  division, "" when missing or not NAF rév. 2), band (tranche, "" without), year (année de la
  tranche, "" without): active ESS establishments. Sections and ESS sectors are sums of
  divisions (essor.observatory.sectors);
- theme (Theme): active ESS establishments in the field (not additive);
- dynamics (year): establishments of the ESS legal units, whatever their current state,
  created that year (measure `establishments`) and closed that year (état F with a closing
  date; measure `employer_establishments`) — two counts in one cell, to keep the number of
  cells down (they are most of them);
- survival (creation year Y): of those created in Y, still open on 31 December of Y + 1
  (`establishments`), Y + 3 (`employer_establishments`), Y + 5 (`without_band`) — état A, or
  closed after that year;
- qpv ("inside" / "near"): active ESS establishments inside a QPV, and outside any QPV but
  within 300 m of one (essor.observatory.qpvgeo);
- economy ("all"): all active establishments (ESS or not) from the import's aggregates, the
  denominator of the ESS shares; only for communes and above.
"""

import csv
from dataclasses import dataclass, field
from functools import cache

from essor.ess.enums import EssFamily
from essor.nomenclatures.loader import NAF_PATH, legal_category_label, naf_label
from essor.nomenclatures.workforce import BANDS, band_label, midpoint_for
from essor.observatory.portrait import TABLE_SLUGS, Column, Headline, Portrait, Table
from essor.observatory.sectors import SECTORS, sector_of
from essor.observatory.themes import THEME_ORDER, theme_label

TOTAL, FAMILY, CJ, DIVISION, BAND, YEAR = "total", "family", "cj", "division", "band", "year"
THEME, DYNAMICS, SURVIVAL, QPV, ECONOMY = "theme", "dynamics", "survival", "qpv", "economy"
SURVIVAL_YEARS = (1, 3, 5)
TOP_SIZE = 10

FAMILY_ORDER = [
    EssFamily.ASSOCIATION,
    EssFamily.COOPERATIVE,
    EssFamily.MUTUELLE,
    EssFamily.FONDATION,
    EssFamily.COMMERCIAL,
    EssFamily.OUTSIDE,
]
NON_EMPLOYER_BANDS = frozenset({"", "NN"})
# Bands of the largest employers: every tranche with employees (01 = 1 or 2 … 53 = 10 000+).
TOP_BANDS = tuple(b.code for b in BANDS if b.rank >= 2)
BAND_RANK = {b.code: b.rank for b in BANDS}


def is_employer(band: str | None, employer: bool | None) -> bool:
    """caractereEmployeurEtablissement = O, or a tranche other than NN / empty (domain §7.3)."""
    return employer is True or (band or "") not in NON_EMPLOYER_BANDS


@dataclass
class Measures:
    establishments: int = 0
    employer_establishments: int = 0
    estimated_employees: float = 0.0
    without_band: int = 0

    def add(self, other: "Measures") -> None:
        self.establishments += other.establishments
        self.employer_establishments += other.employer_establishments
        self.estimated_employees += other.estimated_employees
        self.without_band += other.without_band

    @classmethod
    def of(cls, n: int, band: str | None, employer: bool | None) -> "Measures":
        band = band or ""
        return cls(
            n,
            n if is_employer(band, employer) else 0,
            n * (midpoint_for(band) or 0.0),
            n if band == "" else 0,
        )


Cells = dict[tuple[str, str], Measures]


def add_cell(cells: Cells, dimension: str, key: str, measures: Measures) -> None:
    cells.setdefault((dimension, key), Measures()).add(measures)


@dataclass
class SubTerritory:
    kind: str
    code: str
    name: str
    population: int | None
    total: Measures = field(default_factory=Measures)
    economy: Measures | None = None  # None: no aggregates at that level (arrondissements)


@dataclass
class TopRow:
    siret: str
    name: str
    commune_code: str
    workforce_band: str


@dataclass
class PortraitData:
    cells: Cells
    top: list[TopRow]
    qpv_rows: list[tuple[str, str, int, int]]  # code, name, inside, near
    children: list[SubTerritory]
    has_economy: bool
    reference_year: int  # year of the data: survival horizons must be over before it
    commune_names: dict[str, str] = field(default_factory=dict)


@cache
def division_sections() -> dict[str, str]:
    with NAF_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return {r["code"]: r["section"] for r in csv.DictReader(handle) if r["level"] == "division"}


def section_of(division: str) -> str:
    return division_sections().get(division, "")


MEASURES = [
    Column("etablissements", "Établissements actifs", "int"),
    Column("etablissements_employeurs", "Établissements employeurs", "int"),
    Column("salaries_estimes", "Salariés estimés", "float"),
    Column("part", "Part des établissements ESS", "share"),
]
MEASURES_METHOD = (
    "Établissements actifs (état administratif A) des unités légales du périmètre ESS choisi. "
    "Employeurs : caractère employeur « O » ou tranche d'effectif autre que NN ou vide. "
    "Salariés estimés : somme des milieux des tranches d'effectif (tranche 53 comptée 10 000) ; "
    "une estimation, qui ne compte pas les établissements sans tranche."
)


def _measure_row(m: Measures, total: int) -> dict:
    return {
        "etablissements": m.establishments,
        "etablissements_employeurs": m.employer_establishments,
        "salaries_estimes": m.estimated_employees,
        "part": m.establishments / total if total else None,
    }


def _by(cells: Cells, dimension: str) -> dict[str, Measures]:
    return {key: m for (dim, key), m in cells.items() if dim == dimension}


def _share(part, whole):
    return part / whole if whole else None


def assemble(territory, perimeter: str, run, data: PortraitData) -> Portrait:
    cells = data.cells
    total = cells.get((TOTAL, ""), Measures())
    n = total.establishments
    years = {(int(k) if k else None): m.establishments for k, m in _by(cells, YEAR).items()}
    economy = cells.get((ECONOMY, "all"), Measures()) if data.has_economy else None
    qpv = _by(cells, QPV)
    headline = Headline(
        establishments=n,
        employer_establishments=total.employer_establishments,
        estimated_employees=total.estimated_employees,
        without_band=total.without_band,
        reference_years=dict(sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))),
        all_establishments=economy.establishments if economy else None,
        all_employer_establishments=economy.employer_establishments if economy else None,
        all_estimated_employees=economy.estimated_employees if economy else None,
        population=territory.population,
        qpv_inside=qpv.get("inside", Measures()).establishments,
        qpv_near=qpv.get("near", Measures()).establishments,
    )
    tables = [
        _families(cells, n),
        _legal_categories(cells, n),
        *_activities(cells, n),
        _themes(cells),
        _bands(cells, n),
        _years(headline),
        _economy(headline, data.has_economy),
        _dynamics(cells),
        _survival(cells, data.reference_year),
        _qpv(data.qpv_rows),
        _children(data.children),
        _top(data),
    ]
    by_slug = {table.slug: table for table in tables}
    return Portrait(territory, perimeter, run, headline, {s: by_slug[s] for s in TABLE_SLUGS})


def _families(cells: Cells, n: int) -> Table:
    by = _by(cells, FAMILY)
    rows = [
        {"famille": f.value, "libelle": str(f.label), **_measure_row(by[f.value], n)}
        for f in FAMILY_ORDER
        if f.value in by
    ]
    columns = [Column("famille", "Code", "text"), Column("libelle", "Famille", "text"), *MEASURES]
    method = (
        "Famille ESS de l'unité légale, d'après sa catégorie juridique (associations, "
        "coopératives, mutuelles, fondations) ou, pour les sociétés commerciales, sa qualité "
        "d'entreprise de l'ESS (périmètre loi 2014). " + MEASURES_METHOD
    )
    return Table("familles", "Établissements par famille de l'ESS", columns, rows, method)


def _legal_categories(cells: Cells, n: int) -> Table:
    """Key "code|family": one catégorie juridique may hold several families (a SAS is a
    commercial ESS company or a cooperative)."""
    by = _by(cells, CJ)
    order = sorted(by, key=lambda key: (-by[key].establishments, key))
    labels = {f.value: str(f.label) for f in FAMILY_ORDER}
    rows = []
    for key in order:
        code, _, family = key.partition("|")
        rows.append(
            {
                "code": code,
                "libelle": legal_category_label(code, code or "Non renseignée"),
                "famille": labels.get(family, family),
                **_measure_row(by[key], n),
            }
        )
    columns = [
        Column("code", "Code", "text"),
        Column("libelle", "Catégorie juridique (niveau III)", "text"),
        Column("famille", "Famille", "text"),
        *MEASURES,
    ]
    method = "Catégorie juridique de l'unité légale (nomenclature INSEE, niveau III). "
    return Table(
        "categories_juridiques",
        "Établissements par catégorie juridique",
        columns,
        rows,
        method + MEASURES_METHOD,
    )


def _activities(cells: Cells, n: int) -> list[Table]:
    divisions = _by(cells, DIVISION)
    sectors: dict[str, Measures] = {}
    sections: dict[str, Measures] = {}
    for division, m in divisions.items():
        sectors.setdefault(sector_of(division), Measures()).add(m)
        sections.setdefault(section_of(division), Measures()).add(m)
    sector_rows = [
        {"secteur": key, "libelle": label, **_measure_row(sectors[key], n)}
        for key, label in SECTORS
        if key in sectors
    ]
    section_rows = [
        {
            "section": key,
            "libelle": naf_label(key, "Non renseignée") if key else "Non renseignée",
            **_measure_row(sections[key], n),
        }
        for key in sorted(sections, key=lambda s: (s == "", s))
    ]
    division_rows = [
        {
            "division": key,
            "section": section_of(key),
            "libelle": naf_label(key, key) if key else "Non renseignée",
            **_measure_row(divisions[key], n),
        }
        for key in sorted(divisions, key=lambda d: (d == "", d))
    ]
    naf = (
        "Activité principale de l'établissement (NAF rév. 2) ; « non renseignée » quand elle "
        "manque ou relève d'une nomenclature antérieure. "
    )
    return [
        Table(
            "secteurs_ess",
            "Établissements par secteur de l'ESS",
            [Column("secteur", "Code", "text"), Column("libelle", "Secteur", "text"), *MEASURES],
            sector_rows,
            "Regroupement des divisions NAF en secteurs des panoramas de l'ESS, défini dans une "
            "table unique (essor.observatory.sectors) : action sociale 87-88, santé 86, "
            "enseignement 85, sport et loisirs 93, arts et spectacles 90-91, activités "
            "financières 64-66, organisations associatives 94, commerce 45-47, industrie et "
            "construction 05-43, services aux entreprises 69-82, autres le reste. "
            + naf
            + MEASURES_METHOD,
        ),
        Table(
            "sections_naf",
            "Établissements par section NAF",
            [Column("section", "Section", "text"), Column("libelle", "Libellé", "text"), *MEASURES],
            section_rows,
            naf + MEASURES_METHOD,
        ),
        Table(
            "divisions_naf",
            "Établissements par division NAF",
            [
                Column("division", "Division", "text"),
                Column("section", "Section", "text"),
                Column("libelle", "Libellé", "text"),
                *MEASURES,
            ],
            division_rows,
            naf + MEASURES_METHOD,
        ),
    ]


def _themes(cells: Cells) -> Table:
    by = _by(cells, THEME)
    rows = [
        {
            "champ": theme,
            "libelle": theme_label(theme),
            "etablissements": by.get(theme, Measures()).establishments,
            "etablissements_employeurs": by.get(theme, Measures()).employer_establishments,
            "salaries_estimes": by.get(theme, Measures()).estimated_employees,
        }
        for theme in THEME_ORDER
    ]
    return Table(
        "champs_thematiques",
        "Établissements par champ thématique",
        [Column("champ", "Code", "text"), Column("libelle", "Champ", "text"), *MEASURES[:3]],
        rows,
        "Un établissement actif est dans un champ quand son activité (NAF rév. 2) commence par "
        "l'un des codes NAF du champ (liste modifiable par l'administration), quand son unité "
        "légale porte une étiquette manuelle du champ, ou, pour l'insertion, quand son unité "
        "légale est une SIAE. Les champs ne s'additionnent pas : un établissement peut être "
        "dans plusieurs champs ou dans aucun. " + MEASURES_METHOD,
    )


def _bands(cells: Cells, n: int) -> Table:
    by = _by(cells, BAND)
    order = sorted(by, key=lambda b: (b == "", BAND_RANK.get(b, 99), b))
    rows = [
        {
            "tranche": code,
            "libelle": band_label(code),
            "etablissements": by[code].establishments,
            "salaries_estimes": by[code].estimated_employees,
            "part": _share(by[code].establishments, n),
        }
        for code in order
    ]
    return Table(
        "tranches_effectif",
        "Établissements actifs par tranche d'effectif salarié",
        [
            Column("tranche", "Code", "text"),
            Column("libelle", "Tranche d'effectif", "text"),
            Column("etablissements", "Établissements actifs", "int"),
            Column("salaries_estimes", "Salariés estimés", "float"),
            Column("part", "Part des établissements", "share"),
        ],
        rows,
        "Tranche d'effectif salarié de l'établissement (Sirene), à la date de son année de "
        "référence ; « non renseignée » pour les établissements sans tranche. " + MEASURES_METHOD,
    )


def _years(headline: Headline) -> Table:
    n = headline.establishments
    rows = [
        {"annee": year, "etablissements": count, "part": _share(count, n)}
        for year, count in headline.reference_years.items()
    ]
    return Table(
        "annees_effectif",
        "Années de référence des tranches d'effectif",
        [
            Column("annee", "Année", "year"),
            Column("etablissements", "Établissements actifs", "int"),
            Column("part", "Part des établissements", "share"),
        ],
        rows,
        "Année de la tranche d'effectif (anneeEffectifsEtablissement) : les tranches ont souvent "
        "un à trois ans de retard sur la date des données. Année vide : établissement sans "
        "tranche.",
    )


def _economy(headline: Headline, available: bool) -> Table:
    rows = []
    if available:
        for label, part, whole in [
            ("Établissements actifs", headline.establishments, headline.all_establishments),
            (
                "Établissements employeurs",
                headline.employer_establishments,
                headline.all_employer_establishments,
            ),
            (
                "Salariés estimés",
                headline.estimated_employees,
                headline.all_estimated_employees,
            ),
        ]:
            rows.append(
                {"indicateur": label, "ess": part, "ensemble": whole, "part": _share(part, whole)}
            )
    return Table(
        "part_economie",
        "Part de l'ESS dans l'économie locale",
        [
            Column("indicateur", "Indicateur", "text"),
            Column("ess", "ESS", "float"),
            Column("ensemble", "Tous établissements", "float"),
            Column("part", "Part de l'ESS", "share"),
        ],
        rows,
        "Tous établissements : les établissements actifs de toutes les unités légales (ESS ou "
        "non) du même fichier Sirene, comptés par commune. Non disponible sous la commune "
        "(quartiers prioritaires, arrondissements municipaux). Mêmes définitions d'employeur et "
        "de salariés estimés que pour l'ESS.",
    )


def survivors(m: Measures, years: int) -> int:
    """Survivors after `years` in a SURVIVAL cell (see the module docstring)."""
    return {1: m.establishments, 3: m.employer_establishments, 5: m.without_band}[years]


def _dynamics(cells: Cells) -> Table:
    by = _by(cells, DYNAMICS)
    rows = []
    for year in sorted(by):
        c, f = by[year].establishments, by[year].employer_establishments
        if not c and not f:
            continue
        rows.append({"annee": int(year), "creations": c, "fermetures": f, "solde": c - f})
    return Table(
        "dynamique",
        "Créations et fermetures d'établissements par année",
        [
            Column("annee", "Année", "year"),
            Column("creations", "Créations", "int"),
            Column("fermetures", "Fermetures", "int"),
            Column("solde", "Solde", "int"),
        ],
        rows,
        "Établissements des unités légales ESS présents dans le fichier Sirene, actifs ou "
        "fermés : créations par année de dateCreationEtablissement, fermetures (état F) par "
        "année de début de la période fermée. Un établissement sans date n'est compté dans "
        "aucune année. Les fermetures d'établissements d'unités légales sorties du fichier ne "
        "sont pas connues.",
    )


def _survival(cells: Cells, reference_year: int) -> Table:
    created = _by(cells, DYNAMICS)
    survived = _by(cells, SURVIVAL)
    rows = []
    for year in sorted(created):
        y, size = int(year), created[year].establishments
        if not size or y + SURVIVAL_YEARS[0] >= reference_year:
            continue
        row = {"annee": y, "creations": size}
        for k in SURVIVAL_YEARS:
            ok = y + k < reference_year
            alive = survivors(survived.get(year, Measures()), k)
            row[f"survie_{k}"] = alive / size if ok else None
        rows.append(row)
    return Table(
        "survie",
        "Survie des établissements créés une année donnée",
        [
            Column("annee", "Année de création", "year"),
            Column("creations", "Créations", "int"),
            *[
                Column(f"survie_{k}", f"Encore ouverts après {k} an{'s' if k > 1 else ''}", "share")
                for k in SURVIVAL_YEARS
            ],
        ],
        rows,
        f"Part des établissements créés l'année Y encore ouverts le 31 décembre de l'année "
        f"Y + 1, Y + 3, Y + 5 (état A, ou fermés après cette date) ; un établissement fermé "
        f"sans date de fermeture compte comme fermé. Seules les cohortes assez anciennes sont "
        f"montrées (31 décembre de Y + k avant l'année des données, {reference_year}).",
    )


def _qpv(rows: list[tuple[str, str, int, int]]) -> Table:
    return Table(
        "qpv",
        "Établissements ESS dans les quartiers prioritaires et à proximité",
        [
            Column("code", "Code", "text"),
            Column("nom", "Quartier", "text"),
            Column("dans_qpv", "Dans le quartier", "int"),
            Column("a_moins_de_300m", "Hors QPV, à moins de 300 m", "int"),
        ],
        [
            {"code": c, "nom": name, "dans_qpv": i, "a_moins_de_300m": near}
            for c, name, i, near in rows
        ],
        "Établissements actifs situés dans le contour du quartier (géolocalisation Sirene), et "
        "ceux situés hors de tout QPV mais à moins de 300 m de celui-ci (calcul en mètres, "
        "Lambert-93 ou UTM outre-mer). Les établissements sans coordonnées (diffusion "
        "partielle, coordonnées absentes ou écartées) ne sont pas comptés. Un établissement "
        "proche de deux quartiers compte pour chacun.",
    )


def _children(children: list[SubTerritory]) -> Table:
    rows = []
    for child in children:
        t, e = child.total, child.economy
        rows.append(
            {
                "code": child.code,
                "nom": child.name,
                "population": child.population,
                "etablissements": t.establishments,
                "etablissements_employeurs": t.employer_establishments,
                "salaries_estimes": t.estimated_employees,
                "densite": t.establishments * 10_000 / child.population
                if child.population
                else None,
                "part_ess": _share(t.establishments, e.establishments) if e else None,
            }
        )
    return Table(
        "sous_territoires",
        "Établissements ESS par territoire",
        [
            Column("code", "Code", "text"),
            Column("nom", "Territoire", "text"),
            Column("population", "Population", "int"),
            *MEASURES[:3],
            Column("densite", "Établissements pour 10 000 habitants", "float"),
            Column("part_ess", "Part de l'ESS dans les établissements actifs", "share"),
        ],
        rows,
        "Régions de la France, départements d'une région, EPCI d'un département (chaque EPCI "
        "en entier, même s'il déborde du département), communes d'un EPCI ou d'un périmètre, "
        "arrondissements municipaux de Paris, Lyon et Marseille. Population municipale du "
        "référentiel. " + MEASURES_METHOD,
    )


def _top(data: PortraitData) -> Table:
    rows = [
        {
            "rang": rank,
            "siret": row.siret,
            "nom": row.name,
            "commune": data.commune_names.get(row.commune_code, row.commune_code),
            "tranche": band_label(row.workforce_band),
            "salaries_estimes": midpoint_for(row.workforce_band) or 0.0,
        }
        for rank, row in enumerate(data.top[:TOP_SIZE], start=1)
    ]
    return Table(
        "plus_grands_employeurs",
        "Plus grands établissements employeurs de l'ESS",
        [
            Column("rang", "Rang", "int"),
            Column("siret", "SIRET", "text"),
            Column("nom", "Établissement", "text"),
            Column("commune", "Commune", "text"),
            Column("tranche", "Tranche d'effectif", "text"),
            Column("salaries_estimes", "Salariés estimés", "float"),
        ],
        rows,
        "Les dix établissements actifs de la tranche d'effectif la plus élevée (à égalité, par "
        "ordre alphabétique du nom, puis du SIRET). Nom : enseigne, sinon dénomination. "
        "Établissements sans tranche ou non employeurs exclus.",
    )


def sort_top(rows: list[TopRow]) -> list[TopRow]:
    """By tranche (largest first), then name, then SIRET (code-point order, like DuckDB)."""
    return sorted(rows, key=lambda r: (-BAND_RANK[r.workforce_band], r.name, r.siret))[:TOP_SIZE]
