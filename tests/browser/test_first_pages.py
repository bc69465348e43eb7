"""The demo's first pages in Chromium: search a territory, read its key figures, reach the admin."""

import re

import pytest
from django.core.management import call_command

from essor.accounts.models import User
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nantes(tmp_path):
    call_command("load_referentials", "--departements", "44")
    out = tmp_path / "synth"
    call_command(
        "synth_sirene",
        "--perimeter",
        "244400404",
        "--establishments",
        "3000",
        "--seed",
        "7",
        "--out",
        str(out),
        "--no-progress",
    )
    call_command(
        "import_sirene",
        "--unites-legales",
        str(out / "StockUniteLegale_utf8.csv"),
        "--etablissements",
        str(out / "StockEtablissement_utf8.csv"),
        "--no-progress",
    )


def test_search_a_territory_and_read_its_key_figures(live_server, page, nantes):
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    page.get_by_label("Commune, intercommunalité, département ou région").fill("nantes metro")
    link = page.get_by_role("link", name=re.compile("Nantes Métropole"))
    link.first.wait_for()
    link.first.click()
    page.wait_for_url(re.compile(r"/territoires/epci/244400404/"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nantes Métropole")
    assert "Données synthétiques" in page.content()
    etablissements = page.locator("[data-figure=etablissements]").inner_text()
    assert int(etablissements.replace("\u202f", "").replace("\xa0", "").replace(" ", "")) > 0
    assert page.get_by_role("table").first.is_visible()
    assert axe_violations(page) == []
    page.get_by_label(re.compile("Périmètre loi 2014")).check()
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile("perimetre=loi2014"))
    assert "Société commerciale de l'ESS" in page.content()


def test_search_works_without_javascript(live_server, browser, nantes):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?q=44109")
    page.get_by_role("link", name=re.compile("^Nantes")).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nantes")
    context.close()


def test_staff_reach_the_admin_and_the_import_runs(live_server, page, nantes):
    User.objects.create_superuser("admin@exemple.fr", "motdepasse-solide")
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "admin@exemple.fr")
    page.fill("#id_password", "motdepasse-solide")
    page.click("input[type=submit]")
    page.get_by_role("link", name=re.compile("Imports Sirene")).click()
    page.wait_for_url(re.compile("/admin/sirene/importrun/"))
    page.get_by_text("Réussi").first.wait_for()
