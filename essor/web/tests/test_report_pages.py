"""Printable report « Portrait de l'ESS — <territoire> »: cover, every section with its data
table open (no disclosure), sources at the end, A4 print stylesheet."""

from pathlib import Path

import pytest
from django.conf import settings

from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401
from essor.web.tests.test_portrait_pages import data, figure  # noqa: F401

pytestmark = pytest.mark.django_db
CSS = Path(settings.BASE_DIR) / "essor" / "static" / "css"


def test_report_has_a_cover_the_sections_and_the_sources(client, data):  # noqa: F811
    response = client.get("/territoires/epci/244400404/rapport/?perimetre=loi2014")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Portrait de l'ESS — Nantes Métropole — essor</title>" in html
    assert "Portrait de l'ESS — Nantes Métropole</h1>" in html
    cover = html.split('class="cover"')[1].split("</section>")[0]
    assert "Périmètre loi 2014" in cover and f"import n° {data.pk}" in cover
    assert figure(html, "etablissements") == "5"
    assert "<details" not in html.split("</section>", 1)[1]  # tables printed open
    assert html.count('role="img"') >= 4
    assert html.rindex("Sources et méthode</h2>") > html.rindex("<table")
    assert "Retour au portrait" in html


def test_portrait_links_to_the_report(client, data):  # noqa: F811
    html = client.get("/territoires/epci/244400404/").content.decode()
    assert ">Imprimer / PDF</a>" in html


def test_print_stylesheet_is_a4_without_navigation_and_breaks_sections():
    assert '@import url("print.css") print;' in (CSS / "essor.css").read_text()
    css = (CSS / "print.css").read_text()
    assert "@page { size: A4;" in css
    assert ".site-header" in css and "display: none" in css
    assert "break-before: page" in css and "break-inside: avoid" in css
