"""API of the territorial observatory (`/api/territories/…`): territory search and metadata, and
the indicators of a territory portrait (headline + every table), typed so that OpenAPI documents
them. Same numbers as the pages and the downloads: everything reads `get_portrait` through
essor.observatory.exports. Errors are JSON `{"detail": "…"}` in French."""

import datetime
from typing import Annotated, Literal

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, WithJsonSchema, create_model

from essor.ess.enums import Perimeter
from essor.observatory import exports
from essor.observatory.portrait import TABLE_SLUGS
from essor.observatory.territory import get_territory
from essor.territories.enums import TerritoryKind
from essor.territories.models import Commune, Departement
from essor.territories.search import search_territories

router = Router(tags=["Territoires et indicateurs"])

Cell = str | int | float | None


def _choice(values: list[str], description: str, param):
    """A str parameter documented as an enum, checked by the view (French error messages)."""
    schema = {"type": "string", "enum": values, "description": description}
    return Annotated[str, WithJsonSchema(schema), param]


SLUGS = ", ".join([exports.HEADLINE_SLUG, *TABLE_SLUGS])
Kind = _choice(list(TerritoryKind.values), "Type de territoire", Path())
PerimeterParam = _choice(
    list(Perimeter.values),
    "Périmètre ESS : statistique (quatre familles) ou loi2014 (avec les sociétés commerciales "
    "de l'ESS)",
    Query(Perimeter.STATISTIQUE.value),
)
Slug = _choice([exports.HEADLINE_SLUG, *TABLE_SLUGS], "Tableau", Path())
Code = Annotated[
    str,
    Path(
        description="Code Insee (commune, arrondissement, département, région), SIREN (EPCI), "
        "code QPV, identifiant de périmètre, ou FR pour la France",
        example="244400404",
    ),
]
Columns = Annotated[
    str, Query("", description="Colonnes voulues, dans l'ordre : a,b,c (toutes si vide)")
]
SearchQuery = Annotated[
    str, Query("", description="Nom, code Insee, code postal, SIREN ou code QPV")
]
MAX_RESULTS = 50
Limit = Annotated[int, Query(10, description=f"Nombre de résultats, de 1 à {MAX_RESULTS}")]


class ErrorOut(Schema):
    detail: str = Field(description="Message d'erreur en français")


class TerritoryRef(Schema):
    kind: str
    code: str
    name: str


class SearchResult(TerritoryRef):
    detail: str = Field(description="Précision lisible : type, département, nombre de communes…")
    population: int | None


class TerritoryLinks(Schema):
    page: str
    indicators: str


class TerritoryOut(TerritoryRef):
    kind_label: str
    population: int | None = Field(description="Population municipale (somme des communes)")
    communes: int = Field(
        description="Nombre de communes du territoire (une pour un arrondissement municipal)"
    )
    parents: list[TerritoryRef] = Field(
        description="Territoires englobants : commune parente, EPCI, département(s), région(s)"
    )
    links: TerritoryLinks


class ColumnOut(Schema):
    key: str = Field(description="Clé de la colonne dans chaque ligne")
    label: str = Field(description="Libellé en français")
    kind: Literal["text", "int", "float", "share", "year"] = Field(
        description="text, int (compte exact), float (estimation non arrondie), share (fraction "
        "entre 0 et 1), year"
    )


class TableOut(Schema):
    slug: str
    title: str
    method: str = Field(description="Définition et limites propres au tableau")
    columns: list[ColumnOut]
    rows: list[dict[str, Cell]] = Field(
        description="Une ligne par objet, clés = `columns[].key` ; null = non calculable ici"
    )


# Columns of each table (key, kind, label), as essor.observatory.assemble builds them; a test
# checks that they stay equal. They type the rows in the OpenAPI description.
TABLE_COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "familles": [
        ("famille", "text", "Code"),
        ("libelle", "text", "Famille"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("part", "share", "Part des établissements ESS"),
    ],
    "categories_juridiques": [
        ("code", "text", "Code"),
        ("libelle", "text", "Catégorie juridique (niveau III)"),
        ("famille", "text", "Famille"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("part", "share", "Part des établissements ESS"),
    ],
    "secteurs_ess": [
        ("secteur", "text", "Code"),
        ("libelle", "text", "Secteur"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("part", "share", "Part des établissements ESS"),
    ],
    "sections_naf": [
        ("section", "text", "Section"),
        ("libelle", "text", "Libellé"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("part", "share", "Part des établissements ESS"),
    ],
    "divisions_naf": [
        ("division", "text", "Division"),
        ("section", "text", "Section"),
        ("libelle", "text", "Libellé"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("part", "share", "Part des établissements ESS"),
    ],
    "champs_thematiques": [
        ("champ", "text", "Code"),
        ("libelle", "text", "Champ"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
    ],
    "tranches_effectif": [
        ("tranche", "text", "Code"),
        ("libelle", "text", "Tranche d'effectif"),
        ("etablissements", "int", "Établissements actifs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("part", "share", "Part des établissements"),
    ],
    "annees_effectif": [
        ("annee", "year", "Année"),
        ("etablissements", "int", "Établissements actifs"),
        ("part", "share", "Part des établissements"),
    ],
    "part_economie": [
        ("indicateur", "text", "Indicateur"),
        ("ess", "float", "ESS"),
        ("ensemble", "float", "Tous établissements"),
        ("part", "share", "Part de l'ESS"),
    ],
    "dynamique": [
        ("annee", "year", "Année"),
        ("creations", "int", "Créations"),
        ("fermetures", "int", "Fermetures"),
        ("solde", "int", "Solde"),
    ],
    "survie": [
        ("annee", "year", "Année de création"),
        ("creations", "int", "Créations"),
        ("survie_1", "share", "Encore ouverts après 1 an"),
        ("survie_3", "share", "Encore ouverts après 3 ans"),
        ("survie_5", "share", "Encore ouverts après 5 ans"),
    ],
    "qpv": [
        ("code", "text", "Code"),
        ("nom", "text", "Quartier"),
        ("dans_qpv", "int", "Dans le quartier"),
        ("a_moins_de_300m", "int", "Hors QPV, à moins de 300 m"),
    ],
    "sous_territoires": [
        ("code", "text", "Code"),
        ("nom", "text", "Territoire"),
        ("population", "int", "Population"),
        ("etablissements", "int", "Établissements actifs"),
        ("etablissements_employeurs", "int", "Établissements employeurs"),
        ("salaries_estimes", "float", "Salariés estimés"),
        ("densite", "float", "Établissements pour 10 000 habitants"),
        ("part_ess", "share", "Part de l'ESS dans les établissements actifs"),
    ],
    "plus_grands_employeurs": [
        ("rang", "int", "Rang"),
        ("siret", "text", "SIRET"),
        ("nom", "text", "Établissement"),
        ("commune", "text", "Commune"),
        ("tranche", "text", "Tranche d'effectif"),
        ("salaries_estimes", "float", "Salariés estimés"),
    ],
}


KIND_TYPES = {"text": str, "int": int, "year": int, "float": float, "share": float}


def _table_schema(slug: str, columns: list[tuple[str, str, str]]) -> type[Schema]:
    """`<Slug>Table`: a TableOut whose rows list the table's columns with their types.
    Cells may be null (not computable here); unknown extra columns pass through."""
    name = "".join(part.title() for part in slug.split("_"))
    fields = {
        key: (KIND_TYPES[kind] | None, Field(None, description=f"{label} ({kind})"))
        for key, kind, label in columns
    }
    row = create_model(f"{name}Row", __base__=Schema, **fields)
    row.model_config = ConfigDict(**{**Schema.model_config, "extra": "allow"})
    row.model_rebuild(force=True)
    return create_model(f"{name}Table", __base__=TableOut, rows=(list[row], ...))


TABLE_SCHEMAS = {slug: _table_schema(slug, columns) for slug, columns in TABLE_COLUMNS.items()}
TablesOut = create_model(
    "TablesOut",
    __base__=Schema,
    **{slug: (TABLE_SCHEMAS[slug], ...) for slug in TABLE_SLUGS if slug in TABLE_SCHEMAS},
)
TablesOut.model_config = ConfigDict(**{**Schema.model_config, "extra": "allow"})
TablesOut.model_rebuild(force=True)


class ReferenceYear(Schema):
    year: int | None = Field(description="Année de la tranche d'effectif (null : inconnue)")
    establishments: int


class HeadlineOut(Schema):
    establishments: int = Field(description="Établissements ESS actifs")
    employer_establishments: int = Field(description="Établissements ESS employeurs")
    estimated_employees: float = Field(description="Salariés estimés (milieux de tranches)")
    without_band: int = Field(description="Établissements ESS actifs sans tranche d'effectif")
    without_band_share: float | None
    reference_years: list[ReferenceYear]
    all_establishments: int | None = Field(
        description="Tous établissements actifs (null sous la commune : QPV)"
    )
    all_employer_establishments: int | None
    all_estimated_employees: float | None
    share_establishments: float | None = Field(description="Part de l'ESS, fraction")
    share_employers: float | None
    share_employment: float | None
    population: int | None
    density_per_10k: float | None = Field(description="Établissements ESS pour 10 000 habitants")
    qpv_inside: int | None = Field(description="Établissements ESS dans un QPV")
    qpv_near: int | None = Field(description="… hors QPV mais à moins de 300 m d'un QPV")


class SourceFile(Schema):
    role: str
    name: str
    format: str
    sha256: str


class SourceOut(Schema):
    import_run: int | None = Field(description="Numéro de l'import Sirene")
    data_date: datetime.date | None = Field(description="Date des données Sirene")
    synthetic: bool = Field(description="Données synthétiques de démonstration")
    files: list[SourceFile]


class IndicatorsOut(Schema):
    territory: TerritoryRef
    perimeter: str
    perimeter_label: str
    source: SourceOut
    headline: HeadlineOut
    tables: TablesOut = Field(description="Tableaux par slug, dans l'ordre des pages")


class TableIndicatorsOut(Schema):
    territory: TerritoryRef
    perimeter: str
    perimeter_label: str
    source: SourceOut
    table: TableOut


ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _open_data(response: HttpResponse) -> None:
    """Open data, read-only, no cookies: readable by pages and dashboards hosted elsewhere."""
    response["Access-Control-Allow-Origin"] = "*"


def _portrait(kind: str, code: str, perimeter: str):
    try:
        return exports.load_portrait(kind, code, perimeter)
    except Http404 as error:
        raise HttpError(404, f"Territoire introuvable : {kind} {code}.") from error
    except exports.NoImportError as error:
        raise HttpError(404, str(error)) from error
    except exports.PerimeterError as error:
        raise HttpError(422, str(error)) from error


@router.get(
    "/search",
    response={200: list[SearchResult], 422: ErrorOut},
    url_name="territory_search",
    summary="Chercher un territoire",
)
def search(request, response: HttpResponse, q: SearchQuery, limit: Limit):
    """Territoires dont le nom ou un code correspond, les meilleurs d'abord."""
    _open_data(response)
    if not 1 <= limit <= MAX_RESULTS:
        raise HttpError(422, f"limit : un nombre de 1 à {MAX_RESULTS}.")
    return search_territories(q.strip()[:100], limit=limit)


@router.get(
    "/{kind}/{code}",
    response={200: TerritoryOut, **ERRORS},
    url_name="territory",
    summary="Un territoire : nom, population, territoires englobants",
)
def territory(request, response: HttpResponse, kind: Kind, code: Code):
    _open_data(response)
    try:
        place = get_territory(kind, code)
    except Http404 as error:
        raise HttpError(404, f"Territoire introuvable : {kind} {code}.") from error
    return {
        "kind": str(place.kind),
        "code": place.code,
        "name": place.name,
        "kind_label": str(place.kind_label),
        "population": place.population,
        "communes": len(place.commune_codes()),
        "parents": parents(place),
        "links": {
            "page": reverse("web:territory", args=[kind, code]),
            "indicators": reverse("api:territory_indicators", args=[kind, code]),
        },
    }


@router.get(
    "/{kind}/{code}/indicators",
    response={200: IndicatorsOut, **ERRORS},
    url_name="territory_indicators",
    summary="Indicateurs ESS d'un territoire : chiffres clés et tous les tableaux",
)
def indicators(
    request,
    response: HttpResponse,
    kind: Kind,
    code: Code,
    perimeter: PerimeterParam,
):
    """Comptes exacts, estimations non arrondies, parts en fractions ; source (import, date,
    fichiers) et méthode de chaque tableau."""
    _open_data(response)
    return exports.portrait_dict(_portrait(kind, code, perimeter))


@router.get(
    "/{kind}/{code}/indicators/{slug}",
    response={200: TableIndicatorsOut, **ERRORS},
    url_name="territory_indicator_table",
    summary="Un tableau d'indicateurs d'un territoire",
)
def indicator_table(
    request,
    response: HttpResponse,
    kind: Kind,
    code: Code,
    slug: Slug,
    perimeter: PerimeterParam,
    columns: Columns,
):
    _open_data(response)
    portrait = _portrait(kind, code, perimeter)
    table = exports.find_table(portrait, slug)
    if table is None:
        raise HttpError(404, f"Tableau inconnu « {slug} » : tableaux possibles {SLUGS}.")
    try:
        chosen = exports.select_columns(table, exports.parse_columns(columns))
    except exports.ColumnError as error:
        raise HttpError(400, str(error)) from error
    return exports.one_table_dict(portrait, table, chosen)


def parents(place) -> list[dict]:
    """Enclosing territories, nearest first."""
    found: list[dict] = []

    def add(kind: str, obj) -> None:
        ref = {"kind": str(kind), "code": obj.pk, "name": obj.name}
        if ref not in found:
            found.append(ref)

    if place.kind == TerritoryKind.DEPARTEMENT:
        add(TerritoryKind.REGION, place.obj.region)
    elif place.kind == TerritoryKind.COMMUNE:
        commune = place.obj
        if commune.parent_id:
            add(TerritoryKind.COMMUNE, commune.parent)
        if commune.epci_id:
            add(TerritoryKind.EPCI, commune.epci)
        add(TerritoryKind.DEPARTEMENT, commune.departement)
        add(TerritoryKind.REGION, commune.departement.region)
    elif place.kind in (TerritoryKind.EPCI, TerritoryKind.QPV):
        if place.kind == TerritoryKind.EPCI:
            communes = Commune.objects.filter(code__in=place.commune_codes())
        else:
            communes = place.obj.communes.all()
            for commune in communes.select_related("epci").order_by("code"):
                add(TerritoryKind.COMMUNE, commune)
                if commune.epci_id:
                    add(TerritoryKind.EPCI, commune.epci)
        codes = communes.values_list("departement_id", flat=True).distinct()
        departements = Departement.objects.filter(code__in=codes).select_related("region")
        for departement in departements.order_by("code"):
            add(TerritoryKind.DEPARTEMENT, departement)
        for departement in departements.order_by("region_id"):
            add(TerritoryKind.REGION, departement.region)
    if place.kind not in (TerritoryKind.FRANCE, TerritoryKind.PERIMETER):
        found.append({"kind": str(TerritoryKind.FRANCE), "code": "FR", "name": "France"})
    return found
