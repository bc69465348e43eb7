"""Key figures of a territory, checked against counts worked out by hand on a small import."""

import pytest
from django.utils import timezone

from essor.observatory.key_figures import compute_key_figures
from essor.observatory.territory import get_territory
from essor.sirene.models import (
    Establishment,
    EstablishmentAggregate,
    ImportRun,
    LegalUnit,
    RunStatus,
)
from essor.territories.models import Commune, Departement, Epci, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    region = Region.objects.create(
        code="52", name="Pays de la Loire", search_name="pays de la loire"
    )
    dep = Departement.objects.create(
        code="44", name="Loire-Atlantique", search_name="loire atlantique", region=region
    )
    epci = Epci.objects.create(
        siren="244400404", name="Nantes Métropole", search_name="nantes metropole", nature="METRO"
    )
    for code, name in [("44109", "Nantes"), ("44143", "Rezé")]:
        Commune.objects.create(
            code=code,
            name=name,
            search_name=name.lower(),
            kind="COM",
            departement=dep,
            epci=epci,
            population=1000,
        )
    return epci


def unit(run, siren, family, statistique, loi2014):
    return LegalUnit.objects.create(
        run=run,
        siren=siren,
        diffusion="O",
        legal_category="9220",
        state="A",
        family=family,
        in_statistique=statistique,
        in_loi2014=loi2014,
    )


def establishment(run, legal_unit, n, commune, band="", employer=None, state="A", year=None):
    return Establishment.objects.create(
        run=run,
        legal_unit=legal_unit,
        siret=f"{legal_unit.siren}{n:05d}",
        siren=legal_unit.siren,
        diffusion="O",
        commune_code=commune,
        epci_siren="244400404",
        departement_code="44",
        region_code="52",
        workforce_band=band,
        employer=employer,
        state=state,
        workforce_year=year,
    )


@pytest.fixture
def current_import(territory):
    run = ImportRun.objects.create(
        status=RunStatus.SUCCEEDED, is_current=True, finished_at=timezone.now()
    )
    asso = unit(run, "100000001", "association", True, True)
    coop = unit(run, "100000002", "cooperative", True, True)
    sas = unit(run, "100000003", "commercial", False, True)
    establishment(run, asso, 1, "44109", band="12", employer=True, year=2022)  # 34.5
    establishment(run, asso, 2, "44109", band="NN", employer=False, year=2022)  # 0
    establishment(run, asso, 3, "44143", band="", employer=None)  # no tranche
    establishment(run, asso, 4, "44143", band="03", state="F", year=2021)  # closed: not counted
    establishment(run, coop, 1, "44143", band="01", employer=True, year=2023)  # 1.5
    establishment(run, sas, 1, "44109", band="02", employer=True, year=2023)  # 4 (loi 2014 only)
    for commune, count in [("44109", 90), ("44143", 10)]:
        EstablishmentAggregate.objects.create(run=run, commune_code=commune, state="A", count=count)
    EstablishmentAggregate.objects.create(run=run, commune_code="44109", state="F", count=50)
    # An older run that is no longer current must never be counted.
    old = ImportRun.objects.create(status=RunStatus.SUCCEEDED, is_current=False)
    establishment(old, unit(old, "100000001", "association", True, True), 1, "44109", band="53")
    return run


def test_statistical_perimeter_counts_active_establishments_of_the_four_families(current_import):
    figures = compute_key_figures(get_territory("epci", "244400404"), "statistique")
    assert figures.establishments == 4
    assert figures.employer_establishments == 2
    assert figures.estimated_employees == pytest.approx(34.5 + 1.5)
    assert figures.without_band == 1
    assert figures.reference_years == {2022: 2, 2023: 1, None: 1}
    assert {f.family: f.establishments for f in figures.by_family} == {
        "association": 3,
        "cooperative": 1,
    }


def test_loi_2014_perimeter_adds_commercial_ess_companies(current_import):
    figures = compute_key_figures(get_territory("epci", "244400404"), "loi2014")
    assert figures.establishments == 5
    assert figures.estimated_employees == pytest.approx(40.0)
    families = {f.family: f.establishments for f in figures.by_family}
    assert families["commercial"] == 1
    assert sum(families.values()) == figures.establishments


def test_ess_share_uses_all_active_establishments_of_the_communes(current_import):
    figures = compute_key_figures(get_territory("epci", "244400404"), "statistique")
    assert figures.all_active_establishments == 100
    assert figures.ess_share == pytest.approx(0.04)
    nantes = compute_key_figures(get_territory("commune", "44109"), "statistique")
    assert nantes.establishments == 2
    assert nantes.all_active_establishments == 90


def test_communes_sum_to_their_epci(current_import):
    epci = compute_key_figures(get_territory("epci", "244400404"), "loi2014")
    communes = [
        compute_key_figures(get_territory("commune", c), "loi2014") for c in ("44109", "44143")
    ]
    assert sum(c.establishments for c in communes) == epci.establishments
    assert sum(c.estimated_employees for c in communes) == pytest.approx(epci.estimated_employees)


def test_without_import_there_are_no_figures(territory):
    assert compute_key_figures(get_territory("epci", "244400404"), "statistique") is None


def test_territory_page_shows_figures_definitions_and_sources(client, current_import):
    response = client.get("/territoires/epci/244400404/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="etablissements">4<' in html
    assert "Somme des milieux des tranches" in html
    assert "Association" in html and "Coopérative" in html
    loi = client.get("/territoires/epci/244400404/?perimetre=loi2014").content.decode()
    assert 'data-figure="etablissements">5<' in loi


def test_family_table_downloads_as_csv(client, current_import):
    response = client.get("/territoires/epci/244400404/familles.csv?perimetre=loi2014")
    lines = response.content.decode().strip().splitlines()
    assert (
        lines[0]
        == "territoire,code,perimetre,famille,etablissements,etablissements_employeurs,salaries_estimes"
    )
    assert "Nantes Métropole,244400404,loi2014,Association,3,1,34" in lines[1]


def test_france_page_counts_every_territory_even_communes_without_population(
    client, current_import
):
    Commune.objects.filter(code="44143").update(population=None)
    response = client.get("/territoires/france/FR/")
    assert response.status_code == 200
    assert 'data-figure="etablissements">4<' in response.content.decode()


@pytest.mark.parametrize("url", ["/territoires/epci/999999999/", "/territoires/planete/1/"])
def test_unknown_territories_are_404(client, territory, url):
    assert client.get(url).status_code == 404


def test_home_search_finds_territories_without_javascript(client, territory):
    html = client.get("/?q=nantes").content.decode()
    assert "/territoires/epci/244400404/" in html
    assert "/territoires/commune/44109/" in html


def test_qpv_page_counts_establishments_inside_the_quartier(client, current_import):
    from essor.territories.models import Qpv

    qpv = Qpv.objects.create(
        code="QN04401M", name="Quartier test", search_name="quartier test", generation=2024
    )
    qpv.communes.add("44109")
    Establishment.objects.filter(siret="10000000100001").update(qpv_code="QN04401M")
    figures = compute_key_figures(get_territory("qpv", "QN04401M"), "statistique")
    assert figures.establishments == 1
    assert figures.all_active_establishments is None  # aggregates are kept per commune
    html = client.get("/territoires/qpv/QN04401M/").content.decode()
    assert 'data-figure="etablissements">1<' in html
    assert "Part de l'ESS" not in html
