"""The directory's contribution workflow in Chromium: a member of a structure claims its profile
(verified by a moderator), edits the description, the moderator approves the change, and the
actor page shows it. Axe-core checks the actor page, the edit form and the moderation pages."""

import re
from pathlib import Path

import pytest

from essor.accounts.enums import Role
from essor.directory.tests import factories as f
from essor.territories.models import Commune, Departement, Epci, Region
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("essor.directory.tests.urls"),
]
PASSWORD = "motdepasse-solide"
LEAFLET = Path(__file__).parents[2] / "essor" / "static" / "vendor" / "leaflet" / "leaflet.js"
NEW_DESCRIPTION = "Atelier de réparation de vélos ouvert le samedi, tenu par des bénévoles."


@pytest.fixture
def world(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    region = Region.objects.create(code="52", name="Pays de la Loire")
    dep = Departement.objects.create(code="44", name="Loire-Atlantique", region=region)
    epci = Epci.objects.create(siren="244400404", name="Nantes Métropole", nature="METRO")
    nantes = Commune.objects.create(
        code="44109", name="Nantes", kind="COM", departement=dep, epci=epci
    )
    moderator = f.user("moderation@exemple.fr")
    member = f.user("structure@exemple.fr")
    org = f.organisation(
        "Nantes Métropole", **{Role.MODERATOR: moderator, Role.STRUCTURE_MEMBER: member}
    )
    org.communes.set([nantes])
    run = f.sirene_run()
    unit = f.legal_unit(run, "ATELIER VELO DU PORT", "44109", lat=47.21, lon=-1.55)
    f.legal_unit(run, "RESSOURCERIE DE L'ILE", "44109", lat=47.212, lon=-1.552)
    return {"siren": unit.siren}


def sign_in(browser, base: str, email: str):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/appels/compte/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_load_state()
    return page


def click(page, role: str, name):
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()


def test_claim_edit_and_moderate_a_profile(live_server, browser, world):
    base = live_server.url
    actor_url = f"{base}/annuaire/acteurs/{world['siren']}/"

    # 1. A member of the structure asks to manage its profile.
    member = sign_in(browser, base, "structure@exemple.fr")
    member.goto(actor_url)
    assert member.get_by_role("heading", level=1).inner_text().endswith("ATELIER VELO DU PORT")
    assert "Source : Sirene (Insee), données au" in member.content()
    assert axe_violations(member) == []
    click(member, "link", re.compile("Gérer cette fiche"))
    member.get_by_label("Votre fonction dans la structure").fill("Coordinatrice")
    assert axe_violations(member) == []
    click(member, "button", "Demander à gérer la fiche")
    assert "un·e modérateur·rice va vérifier" in member.content()

    # 2. The moderator verifies the claim from the queue.
    moderator = sign_in(browser, base, "moderation@exemple.fr")
    moderator.goto(base + "/annuaire/moderation/")
    assert axe_violations(moderator) == []
    click(moderator, "button", "Accepter structure@exemple.fr")
    assert "Demande acceptée." in moderator.content()

    # 3. The member edits the description: a pending version « par la structure ».
    member.goto(actor_url)
    click(member, "link", "Modifier la fiche")
    assert axe_violations(member) == []
    member.get_by_label("Description").fill(NEW_DESCRIPTION)
    member.get_by_label("Économie circulaire").check()
    click(member, "button", "Envoyer la proposition")
    assert "sera examinée par la modération" in member.content()
    assert NEW_DESCRIPTION not in member.content()  # not public before moderation

    # 4. The moderator reads the before/after and approves.
    moderator.goto(base + "/annuaire/moderation/")
    assert "par la structure" in moderator.content()
    click(moderator, "link", re.compile("Examiner « ATELIER VELO DU PORT »"))
    assert NEW_DESCRIPTION in moderator.locator("ins").all_inner_texts()
    assert axe_violations(moderator) == []
    moderator.get_by_label("Valider").check()
    click(moderator, "button", "Enregistrer la décision")
    assert "Version validée." in moderator.content()

    # 5. Everyone now reads the new description, and the history says who changed it.
    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(actor_url)
    assert NEW_DESCRIPTION in visitor.get_by_test_id("description").inner_text()
    history = visitor.locator("#historique + ul").inner_text()
    assert "par la structure" in history and "Description" in history
    assert "structure@exemple.fr" not in visitor.content()
    if LEAFLET.exists():  # vendored by the search pages: the establishments are drawn
        visitor.locator(".points-map .leaflet-marker-icon").first.wait_for()
    assert axe_violations(visitor) == []
