import pytest
from django.core.cache import cache

from essor.accounts.enums import Role
from essor.directory import actions
from essor.directory.tests import factories as f
from essor.territories.models import Commune, Departement, Epci, Region

pytestmark = pytest.mark.urls("essor.directory.exchange.tests.urls")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.ROOT_URLCONF = "essor.directory.exchange.tests.urls"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def communes(db):
    region = Region.objects.create(
        code="52", name="Pays de la Loire", search_name="pays de la loire"
    )
    dep44 = Departement.objects.create(
        code="44", name="Loire-Atlantique", region=region, search_name="loire atlantique"
    )
    dep49 = Departement.objects.create(
        code="49", name="Maine-et-Loire", region=region, search_name="maine et loire"
    )
    nm = Epci.objects.create(siren="244400404", name="Nantes Métropole", nature="METRO")
    alm = Epci.objects.create(siren="244900015", name="Angers Loire Métropole", nature="CU")
    rows = [
        ("44109", "Nantes", "nantes", dep44, nm, 47.2181, -1.5528, "44000 44100 44200 44300"),
        ("44143", "Rezé", "reze", dep44, nm, 47.1833, -1.55, "44400"),
        ("49007", "Angers", "angers", dep49, alm, 47.4736, -0.5542, "49000 49100"),
    ]
    return {
        code: Commune.objects.create(
            code=code,
            name=name,
            search_name=folded,
            kind="COM",
            departement=dep,
            epci=epci,
            lat=lat,
            lon=lon,
            postal_codes=postal,
        )
        for code, name, folded, dep, epci, lat, lon, postal in rows
    }


@pytest.fixture
def people(communes):
    p = {
        name: f.user(f"{name}@exemple.fr", full_name=name.capitalize())
        for name in ("moderator", "admin", "agent", "other_moderator", "member")
    }
    p["org"] = f.organisation(
        "Nantes Métropole",
        **{Role.MODERATOR: p["moderator"], Role.ADMIN: p["admin"], Role.AGENT: p["agent"]},
    )
    p["org"].communes.set([communes["44109"], communes["44143"]])
    p["other_org"] = f.organisation(
        "Angers Loire Métropole", **{Role.MODERATOR: p["other_moderator"]}
    )
    p["other_org"].communes.set([communes["49007"]])
    return p


@pytest.fixture
def sirene(communes):
    """A current Sirene import: two associations in Nantes (one in partial diffusion) and one in
    Angers."""
    run = f.sirene_run()
    return {
        "run": run,
        "atelier": f.legal_unit(run, "ATELIER DU REEMPLOI", "44109", lat=47.21, lon=-1.55),
        "discrete": f.legal_unit(
            run, "ASSOCIATION DISCRETE", "44109", lat=47.215, lon=-1.556, diffusion="P"
        ),
        "angers": f.legal_unit(run, "JARDINS D'ANGERS", "49007", lat=47.47, lon=-0.55),
    }


def head_siret(unit) -> str:
    return unit.establishments.order_by("-is_head_office", "siret").first().siret


PRIVATE = "Montant de la cotisation : 1234 €"
PUBLIC = "Ouvert aux bénévoles"


@pytest.fixture
def directory(sirene, people):
    moderator = people["moderator"]
    projet = f.validated_actor(
        moderator,
        name="Atelier vélo solidaire",
        commune="44109",
        lat=47.2,
        lon=-1.54,
        address="5 quai de la Fosse",
        labels=["tiers_lieu"],
    )
    private = actions.create_custom_field(
        people["org"], key="cotisation", label="Cotisation", kind="text", by=moderator
    )
    public = actions.create_custom_field(
        people["org"], key="benevolat", label="Bénévolat", kind="text", by=moderator, is_public=True
    )
    actions.set_custom_value(projet, private, PRIVATE, by=moderator)
    actions.set_custom_value(projet, public, PUBLIC, by=moderator)
    return {"projet": projet, **sirene}
