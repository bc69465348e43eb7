"""Portrait, report and comparison pages in Chromium on a synthetic import over Toulouse
Métropole (with the QPV of the 2015 Occitanie file): no serious or critical axe-core violation,
the report prints to an A4 PDF of several pages."""

import re

import pytest
from django.core.management import call_command

from essor.sirene.models import Establishment
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EPCI = "243100518"  # Toulouse Métropole


@pytest.fixture
def toulouse(tmp_path, shared_data):
    call_command("load_referentials", "--departements", "31")
    qpv = shared_data / "qpv_2015_occitanie" / "qpv_2015_occitanie.geojson"
    call_command("import_qpv", str(qpv), "--generation", "2015")
    out = tmp_path / "synth"
    call_command(
        "synth_sirene",
        "--perimeter",
        EPCI,
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
    in_qpv = Establishment.objects.exclude(qpv_code="").values_list("qpv_code", flat=True)
    return {"qpv": in_qpv.first()}


def test_portrait_of_the_synthetic_epci(live_server, page, toulouse):
    page.goto(f"{live_server.url}/territoires/epci/{EPCI}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Toulouse Métropole")
    assert page.locator("svg.map path").count() > 30  # the communes of the métropole
    assert page.locator("svg[role=img]").count() >= 6
    assert axe_violations(page) == []
    page.get_by_text("Voir les données").first.click()
    assert page.locator("details[open] table").first.is_visible()
    page.get_by_label(re.compile("Périmètre loi 2014")).check()
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_url(re.compile("perimetre=loi2014"))
    # On a phone the charts scale down to the screen and tables scroll in their region.
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert axe_violations(page) == []


def test_portrait_of_a_qpv(live_server, page, toulouse):
    assert toulouse["qpv"], "the synthetic import puts establishments in a QPV"
    page.goto(f"{live_server.url}/territoires/qpv/{toulouse['qpv']}/")
    assert int(page.locator("[data-figure=etablissements]").inner_text()) > 0
    assert "Part de l'ESS" not in page.content()
    assert axe_violations(page) == []


def test_report_prints_to_an_a4_pdf(live_server, page, toulouse):
    page.goto(f"{live_server.url}/territoires/epci/{EPCI}/")
    page.get_by_role("link", name="Imprimer / PDF").click()
    page.wait_for_url(re.compile("/rapport/"))
    title = "Portrait de l'ESS — Toulouse Métropole"
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert title in page.content()
    assert axe_violations(page) == []
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 2


def test_comparison_of_the_metropoles_and_comparables(live_server, page, toulouse):
    page.goto(f"{live_server.url}/comparer/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Les 22 métropoles").click()
    page.wait_for_url(re.compile(f"t=epci%3A{EPCI}"))
    assert page.get_by_role("row", name=re.compile("Toulouse Métropole")).is_visible()
    page.get_by_label("Classer par", exact=True).select_option("part_etablissements")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile("indicateur=part_etablissements"))
    assert page.locator("th[aria-sort]").inner_text().startswith("Part de l'ESS")
    page.get_by_label("Commune, intercommunalité, département, région ou QPV").fill("blagnac")
    add = page.get_by_role("link", name=re.compile("Ajouter Blagnac"))
    add.wait_for()  # live suggestions (htmx); the « Chercher » button does the same without JS
    add.click()
    assert page.get_by_role("row", name=re.compile("Blagnac")).is_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la comparaison (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
