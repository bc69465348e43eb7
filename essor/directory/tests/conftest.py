import pytest
from django.core.cache import cache

from essor.accounts.enums import Role
from essor.directory.tests import factories as f
from essor.territories.models import Commune, Departement, Epci, Region


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def communes(db):
    region = Region.objects.create(code="52", name="Pays de la Loire")
    dep44 = Departement.objects.create(code="44", name="Loire-Atlantique", region=region)
    dep49 = Departement.objects.create(code="49", name="Maine-et-Loire", region=region)
    nantes_metropole = Epci.objects.create(
        siren="244400404", name="Nantes Métropole", nature="METRO"
    )
    angers_loire = Epci.objects.create(
        siren="244900015", name="Angers Loire Métropole", nature="CU"
    )
    rows = [
        ("44109", "Nantes", dep44, nantes_metropole, 47.2181, -1.5528),
        ("44143", "Rezé", dep44, nantes_metropole, 47.1833, -1.55),
        ("49007", "Angers", dep49, angers_loire, 47.4736, -0.5542),
    ]
    return {
        code: Commune.objects.create(
            code=code, name=name, kind="COM", departement=dep, epci=epci, lat=lat, lon=lon
        )
        for code, name, dep, epci, lat, lon in rows
    }


@pytest.fixture
def people(communes):
    """The personas of the permission matrix: one organisation per territory."""
    p = {
        name: f.user(f"{name}@exemple.fr", full_name=name.capitalize())
        for name in ("claimant", "moderator", "admin", "agent", "other_moderator", "outsider")
    }
    p["superuser"] = f.user("root@exemple.fr", is_staff=True, is_superuser=True)
    p["org"] = f.organisation(
        "Nantes Métropole",
        **{
            Role.MODERATOR: p["moderator"],
            Role.ADMIN: p["admin"],
            Role.AGENT: p["agent"],
            Role.STRUCTURE_MEMBER: p["claimant"],
        },
    )
    p["org"].communes.set([communes["44109"], communes["44143"]])
    p["other_org"] = f.organisation(
        "Angers Loire Métropole", **{Role.MODERATOR: p["other_moderator"]}
    )
    p["other_org"].communes.set([communes["49007"]])
    return p


@pytest.fixture
def sirene(communes):
    """A current import: a SCOP in Nantes (2 establishments), a partially diffused association
    in Nantes (its street and position must never show), a neighbour in Rezé (same NAF division),
    and a structure in Angers."""
    run = f.sirene_run()
    return {
        "run": run,
        "scop": f.legal_unit(
            run, "SCOP LE PEDALIER", "44109", lat=47.2184, lon=-1.5536, establishments=2
        ),
        "partial": f.legal_unit(
            run,
            "ASSOCIATION DISCRETE",
            "44109",
            lat=47.2190,
            lon=-1.5540,
            diffusion="P",
            address="12 RUE SECRETE",
        ),
        "neighbour": f.legal_unit(
            run, "RECYCLERIE DE REZE", "44143", lat=47.1840, lon=-1.5510, address="3 RUE DU PORT"
        ),
        "angers": f.legal_unit(
            run, "EPICERIE ANGEVINE", "49007", lat=47.47, lon=-0.55, epci="244900015", naf="47.11Z"
        ),
    }
