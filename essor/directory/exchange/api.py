"""`/api/actors`: the public directory, read-only. The list takes the search page's query string
(same filters as its facets) plus `limit` and `offset` (or `page`); it answers the total and the
links to the next and previous pages. Public fields only (see records.py)."""

from dataclasses import asdict

from django.http import Http404
from ninja import Field, Query, Router, Schema

from essor.directory.exchange import records
from essor.directory.exchange.exports import record_url

router = Router(tags=["Annuaire des acteurs"])
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class ActorOut(Schema):
    key: str = Field(description="Identifiant : slug de la fiche, ou SIREN sans fiche contribuée")
    name: str
    slug: str
    siren: str
    siret: str
    kind: str = Field(description="organisation ou ptce")
    life_stage: str = Field(description="en_projet, actif ou ferme")
    description: str
    website: str
    email: str = Field(description="e-mail public de la structure")
    phone: str
    opening_hours: str
    address: str = Field(description="vide en diffusion partielle")
    postal_code: str
    commune_code: str = Field(description="code Insee")
    commune_name: str
    lat: float | None = Field(description="WGS84 ; absent en diffusion partielle")
    lon: float | None
    localisation: str = Field(description="adresse, commune ou vide")
    labels: list[str]
    themes: list[str]
    family: str = Field(description="famille de l'ESS (catégorie juridique)")
    legal_category: str
    naf: str
    workforce_band: str
    origin: str = Field(description="annuaire (données contribuées) ou sirene")
    updated_at: str
    url: str = Field(description="page de l'acteur sur ce site")
    custom: dict = Field(description="champs personnalisés publics {libellé: valeur}")


class ActorPage(Schema):
    count: int = Field(description="nombre total de résultats")
    limit: int
    offset: int
    next: str | None
    previous: str | None
    results: list[ActorOut]


class ListParams(Schema):
    """The search page's parameters (see essor.directory.search.params), documented here."""

    q: str | None = Field(None, description="texte cherché (nom, activité, commune…)")
    famille: list[str] | None = Field(None, description="famille de l'ESS (répétable)")
    categorie: list[str] | None = Field(None, description="catégorie juridique, niveau 2")
    secteur: list[str] | None = Field(None, description="secteur d'activité (répétable)")
    theme: list[str] | None = Field(None, description="thème (répétable)")
    label: list[str] | None = Field(None, description="label ou statut (répétable)")
    taille: list[str] | None = Field(None, description="tranche de taille (répétable)")
    employeur: str | None = Field(None, description="oui ou non")
    qpv: str | None = Field(None, description="oui : dans un quartier prioritaire")
    etat: str | None = Field(None, description="ouvert ou ferme")
    region: list[str] | None = Field(None, description="code de région (répétable)")
    departement: list[str] | None = Field(None, description="code de département (répétable)")
    epci: list[str] | None = Field(None, description="SIREN d'EPCI (répétable)")
    commune: list[str] | None = Field(None, description="code Insee de commune (répétable)")
    territoire: str | None = Field(None, description="territoire fixé, « type:code »")
    autour: str | None = Field(None, description="commune ou code postal du centre")
    rayon: int | None = Field(None, description="rayon autour du centre (km)")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="taille de la page")
    offset: int = Field(0, ge=0, description="rang du premier résultat")
    page: int | None = Field(None, ge=1, description="numéro de page (remplace offset)")


def _out(record) -> dict:
    return {**asdict(record), "url": record_url(record)}


def _link(request, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["offset"], params["limit"] = str(offset), str(limit)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get("/", response=ActorPage, summary="Liste des acteurs (filtres de la recherche)")
def list_actors(request, params: Query[ListParams]):
    """Les acteurs publics qui répondent aux filtres de la page de recherche de l'annuaire,
    triés par nom, par pages (`limit`, `offset` ou `page`)."""
    limit = params.limit
    offset = (params.page - 1) * limit if params.page else params.offset
    found = records.find(request.GET)
    count = len(found)
    page = found[offset : offset + limit]
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": _link(request, offset + limit, limit) if offset + limit < count else None,
        "previous": _link(request, max(0, offset - limit), limit) if offset > 0 else None,
        "results": [_out(r) for r in page],
    }


@router.get("/{key}", response=ActorOut, summary="Un acteur, par identifiant ou SIREN")
def actor_detail(request, key: str):
    """Les champs publics d'un acteur : `key` est le slug de sa fiche ou son SIREN."""
    record = records.get(key)
    if record is None:
        raise Http404("Acteur inconnu")
    return _out(record)
