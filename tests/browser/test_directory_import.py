"""A moderator imports a network's member list in Chromium: upload, column mapping, preview,
confirmation; then exports a search result as CSV. Axe-core checks the import pages."""

import csv
import io

import pytest

from essor.accounts.enums import Role
from essor.directory.models import Actor
from essor.directory.tests import factories as f
from essor.territories.models import Commune, Departement, Epci, Region
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("essor.directory.exchange.tests.urls"),
]
PASSWORD = "motdepasse-solide"


@pytest.fixture
def network(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    region = Region.objects.create(
        code="52", name="Pays de la Loire", search_name="pays de la loire"
    )
    dep = Departement.objects.create(code="44", name="Loire-Atlantique", region=region)
    epci = Epci.objects.create(siren="244400404", name="Nantes Métropole", nature="METRO")
    communes = [
        Commune.objects.create(
            code=code, name=name, search_name=folded, kind="COM", departement=dep, epci=epci,
            lat=lat, lon=lon, postal_codes=postal,
        )
        for code, name, folded, lat, lon, postal in (
            ("44109", "Nantes", "nantes", 47.2181, -1.5528, "44000 44100 44200 44300"),
            ("44143", "Rezé", "reze", 47.1833, -1.55, "44400"),
        )
    ]  # fmt: skip
    moderator = f.user("moderatrice@exemple.fr", full_name="Modératrice")
    org = f.organisation("Nantes Métropole", **{Role.MODERATOR: moderator})
    org.communes.set(communes)
    run = f.sirene_run()
    unit = f.legal_unit(run, "ATELIER DU REEMPLOI", "44109", lat=47.21, lon=-1.55)
    return {"org": org, "unit": unit}


def member_list(network) -> bytes:
    siret = network["unit"].establishments.get(is_head_office=True).siret
    lines = [
        "SIRET;Raison sociale;Code Insee;Commune;Code postal;Site web;Courriel",
        f"{siret};Atelier du réemploi;44109;;;reemploi.exemple.fr;",
        ";La Ressourcerie nouvelle;;Rezé;44400;;bonjour@ressourcerie.exemple.fr",
        "12345678901234;Numéro faux;44109;;;;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def sign_in(browser, base: str, email: str):
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/appels/compte/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_load_state()
    return page


def click(page, name: str):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_moderator_imports_a_member_list_then_exports_a_search(live_server, browser, network):
    base = live_server.url
    page = sign_in(browser, base, "moderatrice@exemple.fr")
    page.goto(base + "/annuaire/imports/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nouvel import pour Nantes Métropole").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_label("Liste de membres (CSV ou XLSX)").check()
    page.set_input_files(
        "#id_file",
        files=[{"name": "membres.csv", "mimeType": "text/csv", "buffer": member_list(network)}],
    )
    click(page, "Déposer et continuer")
    # Mapping: guessed from the usual column names.
    assert page.get_by_label("SIRET (ou SIREN)").input_value() == "SIRET"
    assert page.get_by_label("Commune : nom").input_value() == "Commune"
    assert "cp1252" in page.content()
    assert axe_violations(page) == []
    click(page, "Voir l'aperçu")
    # Preview: nothing written yet.
    assert page.get_by_role("heading", name="Rapprochés (1)").is_visible()
    assert page.get_by_role("heading", name="Nouveaux (1)").is_visible()
    assert page.get_by_role("heading", name="Rejetés (1)").is_visible()
    assert "SIRET invalide" in page.content()
    assert not Actor.objects.filter(name="La Ressourcerie nouvelle").exists()
    assert axe_violations(page) == []
    click(page, "Confirmer l'import")
    assert "Import confirmé" in page.content()
    assert Actor.objects.get(name="La Ressourcerie nouvelle").commune_id == "44143"
    assert axe_violations(page) == []
    # Export the actors of Rezé as CSV, two columns.
    page.goto(base + "/annuaire/exporter/?commune=44143")
    assert axe_violations(page) == []
    for box in page.get_by_role("group", name="Colonnes").get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_label("Nom", exact=True).check()
    page.get_by_label("Commune", exact=True).check()
    page.get_by_label("CSV", exact=True).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger").click()
    text = open(download_info.value.path(), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Nom", "Commune"], ["La Ressourcerie nouvelle", "Rezé"]]
    # The other pages of imports, open data and saved searches.
    for path in (
        f"/annuaire/imports/{network['org'].slug}/sources/",
        "/annuaire/donnees-ouvertes/",
        "/annuaire/mes-recherches/",
    ):
        page.goto(base + path)
        assert axe_violations(page) == [], path
    page.context.close()
