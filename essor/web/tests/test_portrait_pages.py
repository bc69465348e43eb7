"""Portrait pages on a small hand-made import (essor/observatory/tests/test_key_figures.py):
headline figures, charts, map, tables and sources, for every kind of territory; the numbers on
the page are the Portrait's."""

import json
import re

import pytest
import shapely
from django.core.cache import cache

from essor.observatory.charts import format_number
from essor.observatory.portrait import TABLE_SLUGS
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401
from essor.sirene.models import Establishment
from essor.territories.models import Commune, Epci, Perimeter, Qpv

pytestmark = pytest.mark.django_db
URL = "/territoires/epci/244400404/"


@pytest.fixture
def data(current_import):  # noqa: F811
    """The import, with contours for the map and a QPV holding one establishment."""
    cache.clear()
    Epci.objects.filter(siren="244400404").update(population=2000)
    for code, box in [("44109", (0, 45, 1, 46)), ("44143", (1, 45, 2, 46))]:
        geometry = json.dumps(shapely.geometry.mapping(shapely.box(*box)))
        Commune.objects.filter(code=code).update(geometry=geometry)
    qpv = Qpv.objects.create(
        code="QN04401M", name="Quartier test", search_name="quartier test", generation=2024
    )
    qpv.communes.add("44109")
    Establishment.objects.filter(siret="10000000100001").update(qpv_code="QN04401M")
    perimeter = Perimeter.objects.create(name="Contrat de ville", slug="contrat-de-ville")
    perimeter.communes.add("44109", "44143")
    return current_import


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_epci_portrait_shows_the_portrait_figures_charts_map_and_sources(client, data):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    portrait = get_portrait(get_territory("epci", "244400404"), "statistique")
    headline = portrait.headline
    assert figure(html, "etablissements") == format_number(headline.establishments) == "4"
    assert figure(html, "employeurs") == format_number(headline.employer_establishments)
    assert figure(html, "salaries") == f"≈ {format_number(round(headline.estimated_employees))}"
    assert figure(html, "part") == "4,0\u00a0%"  # 4 of 100 active establishments
    assert figure(html, "densite") == "20,0"  # 4 per 2 000 inhabitants × 10 000
    assert "années de référence 2022–2023" in html
    for slug in TABLE_SLUGS:
        table = portrait.table(slug)
        if table.rows or slug not in ("part_economie", "sous_territoires"):
            assert table.title.replace("'", "&#x27;") in html, slug
    assert html.count('role="img"') >= 4  # families, sizes, sectors… and the map
    assert html.count("<details") >= 4 and "Voir les données" in html
    # The map of the communes: one path per commune, a legend, a title.
    svg = re.search(r'<svg[^>]*class="chart map".*?</svg>', html, re.S).group(0)
    assert svg.count("<path") == 2
    assert "par commune — Nantes Métropole" in svg
    # Sub-territory rows link to their portrait, with the same numbers.
    assert 'href="/territoires/commune/44109/?perimetre=statistique">Nantes<' in html
    # Sources and method, and the way to the report and the comparison.
    assert f"import n° {data.pk}" in html
    assert "/territoires/epci/244400404/rapport/?perimetre=statistique" in html
    assert "/comparer/?comparables=epci:244400404" in html


def test_every_table_cell_on_the_page_is_the_portraits(client, data):
    from django.utils.html import escape

    from essor.web.views.sections import format_cell, shown_columns

    html = client.get(URL + "?perimetre=loi2014").content.decode()
    portrait = get_portrait(get_territory("epci", "244400404"), "loi2014")
    for table in portrait.tables.values():
        for row in table.rows:
            cells = [format_cell(row.get(c.key), c.kind, c.key) for c in shown_columns(table)]
            for text in cells:
                assert f">{escape(text)}<" in html, (table.slug, text)


def test_perimeter_toggle_changes_the_numbers(client, data):
    statistique = client.get(URL).content.decode()
    loi = client.get(URL + "?perimetre=loi2014").content.decode()
    assert figure(statistique, "etablissements") == "4"
    assert figure(loi, "etablissements") == "5"
    assert "Société commerciale de l&#x27;ESS" in loi
    assert 'value="loi2014" checked' in loi
    # An unknown perimeter falls back to the statistical one.
    assert figure(client.get(URL + "?perimetre=autre").content.decode(), "etablissements") == "4"


def test_table_downloads_link_to_the_exports(client, data):
    html = client.get(URL + "?perimetre=loi2014").content.decode()
    assert "/territoires/epci/244400404/tableaux/familles.csv?perimetre=loi2014" in html
    assert "/territoires/epci/244400404/tableaux/familles.xlsx?perimetre=loi2014" in html


def test_map_indicator_can_be_chosen_without_javascript(client, data):
    html = client.get(URL + "?carte=etablissements").content.decode()
    assert '<option value="etablissements" selected>' in html
    svg = re.search(r'<svg[^>]*class="chart map".*?</svg>', html, re.S).group(0)
    assert "Nantes : 2" in svg and "Rezé : 2" in svg


@pytest.mark.parametrize(
    "url, establishments",
    [
        ("/territoires/commune/44109/", "2"),
        ("/territoires/departement/44/", "4"),
        ("/territoires/region/52/", "4"),
        ("/territoires/france/FR/", "4"),
        ("/territoires/qpv/QN04401M/", "1"),
        ("/territoires/perimeter/contrat-de-ville/", "4"),
    ],
)
def test_every_kind_of_territory_has_a_portrait(client, data, url, establishments):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "etablissements") == establishments
    assert "Sources et méthode" in html


def test_qpv_portrait_has_no_ess_share_nor_map(client, data):
    html = client.get("/territoires/qpv/QN04401M/").content.decode()
    assert "Part de l&#x27;ESS" not in html and "Part de l'ESS" not in html
    assert 'class="chart map"' not in html


def test_departement_map_draws_its_epci(client, data):
    html = client.get("/territoires/departement/44/").content.decode()
    svg = re.search(r'<svg[^>]*class="chart map".*?</svg>', html, re.S).group(0)
    assert "Nantes Métropole" in svg  # drawn from the union of its communes


@pytest.mark.parametrize(
    "url", ["/territoires/epci/999999999/", "/territoires/planete/1/", "/territoires/qpv/QN0/"]
)
def test_unknown_territory_is_404(client, data, url):
    assert client.get(url).status_code == 404
    assert client.get(url + "rapport/").status_code == 404


def test_without_import_the_page_says_so(client, territory):  # noqa: F811
    html = client.get(URL).content.decode()
    assert "Aucun import Sirene" in html
    assert 'data-figure="etablissements"' not in html


def test_nav_links_to_the_comparison(client, data):
    assert 'href="/comparer/"' in client.get("/").content.decode()


def test_cells_are_formatted_by_column_kind():
    from essor.web.views.sections import format_cell

    assert format_cell(1234, "int") == "1\u202f234"
    assert format_cell(1399.4, "float", "salaries_estimes") == "1\u202f399"
    assert format_cell(7.5, "float", "salaries_estimes") in ("8", "7")  # estimates: units
    assert format_cell(3.04, "float", "densite") == "3,0"
    assert format_cell(0.136, "share") == "13,6\u00a0%"
    assert format_cell(None, "share") == "—"


def test_dynamics_chart_draws_the_last_years_without_gaps():
    from essor.observatory.portrait import Column, Table
    from essor.web.views.sections import CHART_YEARS, recent_years

    table = Table(
        "dynamique",
        "t",
        [Column("annee", "Année", "year"), Column("creations", "Créations")],
        [{"annee": 1950, "creations": 1}, {"annee": 2020, "creations": 4}],
    )
    rows = recent_years(table, "annee", {"creations": 0})
    assert len(rows) == CHART_YEARS and rows[-1] == {"annee": 2020, "creations": 4}
    assert rows[0] == {"annee": 2020 - CHART_YEARS + 1, "creations": 0}


def test_custom_perimeter_map_draws_its_communes(client, data):
    html = client.get("/territoires/perimeter/contrat-de-ville/").content.decode()
    svg = re.search(r'<svg[^>]*class="chart map".*?</svg>', html, re.S).group(0)
    assert svg.count("<path") == 2
