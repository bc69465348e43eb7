"""A call for projects from creation to the SCDL export, in Chromium: create a call with the
default grid, apply as a structure, declare it eligible, assign two reviewers, score, rank in
committee, decide, export the granted subsidy. Axe-core checks the list, form and committee pages."""

import csv
import io
import re

import pytest

from essor.accounts.enums import Role
from essor.calls import tableschema
from essor.calls.models import Application
from essor.calls.tests import factories as f
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("essor.calls.tests.urls"),
]
PASSWORD = "motdepasse-solide"


@pytest.fixture
def team(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    people = {n: f.user(f"{n}@exemple.fr") for n in ("cheffe", "eval1", "eval2", "porteur")}
    org = f.organisation(
        "Métropole Exemple",
        **{Role.ADMIN: people["cheffe"], Role.REVIEWER: [people["eval1"], people["eval2"]]},
    )
    return {"org": org, **people}


def sign_in(browser, base: str, email: str):
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/appels/compte/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_load_state()
    return page


def submit_button(page, name: str):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_call_from_creation_to_the_scdl_export(live_server, browser, team):
    base = live_server.url
    staff = sign_in(browser, base, "cheffe@exemple.fr")
    # The granting body's settings, used by the SCDL export.
    staff.goto(base + f"/appels/gestion/{team['org'].slug}/reglages/")
    staff.get_by_label("Nom officiel de l'attribuant").fill("Métropole Exemple")
    staff.get_by_label("SIRET de l'attribuant").fill(f.siret(7))
    submit_button(staff, "Enregistrer")
    # 1. Create a call: the default grid is attached.
    staff.goto(base + "/appels/gestion/")
    staff.get_by_role("link", name="Créer un appel").click()
    staff.get_by_label("Type d'appel").select_option("aap")
    staff.get_by_label("Titre").fill("Économie circulaire 2031")
    staff.get_by_label("Description").fill("Soutenir le réemploi et la réparation.")
    staff.get_by_label("Économie circulaire").check()
    staff.get_by_label("Enveloppe (€)").fill("60000")
    staff.get_by_label("Ouverture (heure de Paris)").fill("2020-01-01T08:00")
    staff.get_by_label("Clôture (heure de Paris)").fill("2099-12-31T12:00")
    staff.get_by_label("Pièces obligatoires (une par ligne)").fill("Statuts")
    submit_button(staff, "Enregistrer l'appel")
    assert "Caractérisation" in staff.content()
    staff.get_by_label("Intitulé de la question").fill("Public visé")
    staff.get_by_label("Type de réponse").select_option("long_text")
    staff.get_by_label("Réponse obligatoire").check()
    submit_button(staff, "Ajouter la question")
    submit_button(staff, "Publier l'appel")
    staff.goto(base + "/appels/")
    assert staff.get_by_role("link", name=re.compile("Économie circulaire 2031")).is_visible()
    assert axe_violations(staff) == []

    # 2. Apply as a structure.
    applicant = sign_in(browser, base, "porteur@exemple.fr")
    applicant.goto(base + "/appels/")
    applicant.get_by_role("link", name=re.compile("Économie circulaire 2031")).click()
    applicant.get_by_role("link", name="Candidater").click()
    siret = f.siret(4242)
    applicant.get_by_label("SIRET de la structure").fill(siret)
    applicant.get_by_label("Nom de la structure").fill("Ressourcerie du Port")
    submit_button(applicant, "Commencer la candidature")
    submit_button(applicant, "Enregistrer et continuer")  # step 1, name already filled
    applicant.get_by_label("Intitulé du projet").fill("Atelier de réparation")
    applicant.get_by_label("Montant demandé (€)").fill("25000")
    applicant.get_by_label("Public visé").fill("Habitants des quartiers prioritaires")
    assert axe_violations(applicant) == []
    submit_button(applicant, "Enregistrer et continuer")
    applicant.get_by_label("Pièce").fill("Statuts")
    applicant.set_input_files(
        "#id_file",
        files=[{"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": f.PDF}],
    )
    submit_button(applicant, "Joindre le fichier")
    applicant.get_by_role("link", name="Continuer vers la vérification").click()
    assert "complète et éligible" in applicant.content()
    submit_button(applicant, "Déposer ma candidature")
    assert "Accusé de réception" in applicant.content()
    application = Application.objects.get(siret=siret)

    # 3. Declare it eligible and assign two reviewers.
    detail = base + f"/appels/candidatures/{application.pk}/"
    staff.goto(detail)
    staff.get_by_label("Recevable", exact=True).check()
    submit_button(staff, "Enregistrer la recevabilité")
    for email in ("eval1@exemple.fr", "eval2@exemple.fr"):
        staff.get_by_label("Évaluateur·rice").select_option(label=email)
        submit_button(staff, "Désigner")
    assert "En instruction" in staff.content()

    # 4. Each reviewer declares no conflict of interest, then scores every criterion.
    for email, pick in (("eval1@exemple.fr", "last"), ("eval2@exemple.fr", "middle")):
        reviewer = sign_in(browser, base, email)
        reviewer.goto(base + "/appels/mes-evaluations/")
        reviewer.get_by_role("link", name=application.reference).click()
        reviewer.get_by_label("Non, aucun conflit d'intérêts").check()
        submit_button(reviewer, "Enregistrer ma déclaration")
        reviewer.evaluate(
            """(pick) => {
                const groups = {};
                document.querySelectorAll('input[type=radio][name^=score_]').forEach(
                    (r) => (groups[r.name] = groups[r.name] || []).push(r));
                Object.values(groups).forEach((radios) => {
                    const i = pick === 'last' ? radios.length - 1 : Math.floor(radios.length / 2);
                    radios[i].click();
                });
            }""",
            pick,
        )
        submit_button(reviewer, "Enregistrer mon évaluation")
        assert "Évaluation enregistrée" in reviewer.content()
        reviewer.context.close()

    # 5. Committee: ranking with the spread between reviewers, then the decision.
    staff.goto(detail)
    submit_button(staff, "Clore les avis")
    staff.get_by_label("Montant proposé (€)").fill("20000")
    submit_button(staff, "Inscrire en comité")
    staff.goto(base + f"/appels/gestion/appel/{application.call.slug}/comite/")
    row = staff.locator(f"tr[data-application='{application.pk}']")
    assert "%" in row.locator("[data-score]").inner_text()
    assert "2 / 2" in row.inner_text()
    assert axe_violations(staff) == []
    staff.get_by_role("link", name=re.compile("Ressourcerie du Port")).click()
    staff.get_by_label("Accepté", exact=True).check()
    staff.get_by_label("Montant accordé (€)").fill("20000")
    staff.get_by_label("Date de la convention").fill("2031-06-01")
    submit_button(staff, "Enregistrer la décision")
    assert "Accepté" in staff.locator("[data-state]").inner_text()

    # 6. The SCDL export: one row, valid against the schema.
    staff.goto(base + "/appels/gestion/")
    with staff.expect_download() as download_info:
        staff.get_by_role("link", name=re.compile("format SCDL")).click()
    text = open(download_info.value.path(), encoding="utf-8").read()
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1
    schema = tableschema.load("scdl_subventions_2.0.0.json")
    assert tableschema.row_errors(schema, header, rows[0]) == []
    record = dict(zip(header, rows[0], strict=True))
    assert record["idBeneficiaire"] == siret and record["montant"] == "20000"
    staff.context.close()
    applicant.context.close()
