"""The pages end to end with the test client: each POST redirects (PRG) and goes through the
same actions as the tests above."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from essor.accounts.models import AuditEntry
from essor.calls import uploads
from essor.calls.actions import calls as call_actions
from essor.calls.actions import instruction
from essor.calls.enums import ApplicationState as S
from essor.calls.models import Application, Call
from essor.calls.tests import factories as f
from essor.innovation.models import Criterion

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.calls.tests.urls")]


def test_staff_create_and_publish_a_call_with_the_default_grid(client, people):
    client.force_login(people["agent"])
    response = client.post(
        reverse("calls:call_create", args=[people["org"].slug]),
        {
            "kind": "aap",
            "title": "Alimentation durable 2031",
            "description": "Circuits courts",
            "themes": ["alimentation_durable"],
            "envelope": "50000",
            "opens_at": "2020-01-01T08:00",
            "closes_at": "2099-03-31T12:00",
            "required_documents": "Statuts\nBudget prévisionnel",
        },
    )
    call = Call.objects.get(title="Alimentation durable 2031")
    assert response.status_code == 302
    assert call.grid_version.grid.is_default
    assert call.required_documents == ["Statuts", "Budget prévisionnel"]
    client.post(
        reverse("calls:add_field", args=[call.slug]),
        {
            "question-label": "Public visé",
            "question-kind": "choice",
            "question-choices": "Jeunes\nSeniors",
        },
    )
    client.post(reverse("calls:publish", args=[call.slug]))
    call.refresh_from_db()
    assert call.status == "published"
    assert call.fields.get().choices == ["Jeunes", "Seniors"]
    assert AuditEntry.objects.filter(action="calls.call.published", target_id=str(call.pk)).exists()
    assert "Alimentation durable 2031" in client.get(reverse("calls:call_list")).content.decode()


def test_public_list_filters_and_exports(client, people, call):
    f.call(people["org"], actor=people["agent"], title="Mobilité douce", themes=["mobilite"])
    f.call(people["org"], actor=people["agent"], title="Brouillon caché", publish=False)
    page = client.get(reverse("calls:call_list"), {"theme": "mobilite"}).content.decode()
    assert "Mobilité douce" in page and call.title not in page and "Brouillon" not in page
    data = json.loads(client.get(reverse("calls:calls_json")).content)
    titles = {c["titre"] for c in data["appels"]}
    assert titles == {call.title, "Mobilité douce"}
    record = next(c for c in data["appels"] if c["titre"] == "Mobilité douce")
    assert record["thematiques"] == ["Mobilité"]
    assert record["url"].startswith("http://testserver/appels/")
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("calls:calls_csv")).content.decode()))
    )
    assert {r["titre"] for r in rows} == titles


def test_an_applicant_signs_up_fills_the_steps_and_submits(
    client, people, call, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.post(
        reverse("calls:signup"),
        {
            "email": "porteuse@exemple.fr",
            "full_name": "Camille Porteuse",
            "password1": "un-mot-de-passe-long",
            "password2": "un-mot-de-passe-long",
        },
    )
    assert response.status_code == 302
    siret = f.siret()
    response = client.post(
        reverse("calls:apply_start", args=[call.slug]),
        {"siret": siret, "structure_name": "La Ressourcerie"},
    )
    application = Application.objects.get(siret=siret)
    assert response["Location"] == reverse("calls:application_edit", args=[application.pk, 1])
    client.post(
        response["Location"],
        {
            "version": application.version,
            "structure_name": "La Ressourcerie",
            "declared_family": "association",
        },
    )
    application.refresh_from_db()
    assert application.current_step == 2
    question = call.fields.get()
    client.post(
        reverse("calls:application_edit", args=[application.pk, 2]),
        {
            "version": application.version,
            "project_title": "Réemploi",
            "amount_requested": "12000",
            question.key: "Collecte et réparation",
        },
    )
    client.post(
        reverse("calls:upload_document", args=[application.pk]),
        {"label": "Statuts", "file": f.pdf()},
    )
    page = client.get(reverse("calls:application_edit", args=[application.pk, 4])).content.decode()
    assert "complète et éligible" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calls:submit", args=[application.pk]))
    assert response["Location"] == reverse("calls:receipt", args=[application.pk])
    receipt = client.get(response["Location"]).content.decode()
    assert application.reference in receipt and siret in receipt
    assert mailoutbox[-1].to == ["porteuse@exemple.fr"]


def test_a_stale_form_shows_the_conflict_message(client, people, call):
    application = f.draft(call, people["applicant"], complete=False)
    client.force_login(people["applicant"])
    url = reverse("calls:application_edit", args=[application.pk, 1])
    stale = {"version": application.version, "structure_name": "Onglet 1"}
    client.post(url, stale)
    response = client.post(url, {**stale, "structure_name": "Onglet 2"}, follow=True)
    assert "modifiée entre-temps" in response.content.decode()
    application.refresh_from_db()
    assert application.structure_name == "Onglet 1"


def test_a_renamed_file_is_refused_on_the_page(client, people, call):
    application = f.draft(call, people["applicant"], complete=False)
    client.force_login(people["applicant"])
    response = client.post(
        reverse("calls:upload_document", args=[application.pk]),
        {"label": "Statuts", "file": f.pdf("statuts.pdf", b"GIF89a fake")},
        follow=True,
    )
    assert "Type de fichier refusé" in response.content.decode()
    assert not application.documents.exists()


def test_instruction_review_committee_decision_and_exports(client, people, call):
    call_actions.save_call_settings(
        people["org"], official_name="Nantes Métropole", siret=f.siret(7), actor=people["admin"]
    )
    first = f.submitted(call, people["applicant"])
    second = f.submitted(call, people["other_applicant"])
    client.force_login(people["agent"])
    for application in (first, second):
        client.post(reverse("calls:admissibility", args=[application.pk]), {"admissible": "oui"})
        for name in ("reviewer", "other_reviewer"):
            client.post(
                reverse("calls:assign", args=[application.pk]), {"reviewer": people[name].pk}
            )
    criteria = list(Criterion.objects.filter(category__version=call.grid_version))
    for name, values in (("reviewer", (3, 1)), ("other_reviewer", (2, 0))):
        client.force_login(people[name])
        for application, value in zip((first, second), values, strict=True):
            client.post(
                reverse("calls:declare_conflict", args=[application.pk]), {"has_conflict": "non"}
            )
            scores = {f"score_{c.pk}": min(value, c.max_value) for c in criteria}
            client.post(reverse("calls:review", args=[application.pk]), scores)
    client.force_login(people["agent"])
    for application in (first, second):
        client.post(reverse("calls:close_reviews", args=[application.pk]))
        client.post(
            reverse("calls:to_committee", args=[application.pk]), {"amount_proposed": "20000"}
        )
    page = client.get(reverse("calls:committee", args=[call.slug])).content.decode()
    assert page.index(f'data-application="{first.pk}"') < page.index(
        f'data-application="{second.pk}"'
    )
    figures = page.replace("\u202f", " ").replace("\xa0", " ")
    assert 'data-figure="proposed">40 000 €' in figures
    client.force_login(people["admin"])
    client.post(
        reverse("calls:decide", args=[first.pk]),
        {"decision": S.ACCEPTED, "amount_granted": "18000", "convention_date": "2031-06-01"},
    )
    client.post(
        reverse("calls:decide", args=[second.pk]),
        {"decision": S.REFUSED, "reason": "Score insuffisant"},
    )
    first.refresh_from_db()
    assert first.state == S.ACCEPTED and first.amount_granted == 18000
    scdl = client.get(reverse("calls:scdl_csv", args=[people["org"].slug])).content.decode()
    rows = list(csv.DictReader(io.StringIO(scdl)))
    assert len(rows) == 1 and rows[0]["montant"] == "18000"
    export = client.get(
        reverse("calls:call_applications", args=[call.slug]),
        {"col": ["reference", "accorde"], "format": "csv"},
    ).content.decode()
    assert export.splitlines()[0] == "Référence,Montant accordé"
    xlsx = client.get(
        reverse("calls:call_applications", args=[call.slug]),
        {"col": ["siret", "etat"], "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == ["SIRET", "État"]
    assert sheet.max_row == 3


def test_reviewers_list_only_their_assignments(client, people, call):
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    client.force_login(people["other_reviewer"])
    assert application.reference not in client.get(reverse("calls:my_reviews")).content.decode()
    client.force_login(people["reviewer"])
    assert application.reference in client.get(reverse("calls:my_reviews")).content.decode()


def test_staff_may_choose_another_published_grid(client, people):
    from essor.innovation import actions as grid_actions

    grid = grid_actions.create_grid(
        name="Grille locale",
        slug="grille-locale",
        organisation=people["org"],
        actor=people["admin"],
    )
    version = grid.versions.get()
    category = grid_actions.add_category(version, title="Ancrage local", actor=people["admin"])
    grid_actions.add_criterion(
        category,
        label="Partenariats locaux",
        scale=[{"value": 0, "label": "Aucun"}, {"value": 2, "label": "Forts"}],
        actor=people["admin"],
    )
    grid_actions.publish_version(version, actor=people["admin"])
    client.force_login(people["agent"])
    form_page = client.get(reverse("calls:call_create", args=[people["org"].slug])).content.decode()
    assert "Grille locale" in form_page
    client.post(
        reverse("calls:call_create", args=[people["org"].slug]),
        {
            "kind": "ami",
            "title": "AMI tiers-lieux",
            "envelope": "0",
            "grid_version": version.pk,
            "opens_at": "2020-01-01T08:00",
            "closes_at": "2099-01-01T08:00",
        },
    )
    call = Call.objects.get(title="AMI tiers-lieux")
    assert call.grid_version == version
    client.force_login(people["other_agent"])
    other_page = client.get(reverse("calls:call_create", args=[people["other_org"].slug]))
    assert "Grille locale" not in other_page.content.decode()


def test_a_document_is_served_as_an_attachment_that_browsers_do_not_sniff(client, people, call):
    application = f.submitted(call, people["applicant"])
    document = application.documents.get()
    client.force_login(people["agent"])
    response = client.get(reverse("calls:document", args=[document.pk]))
    assert b"".join(response.streaming_content) == f.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    uploads.path_of(document.stored_name).unlink()
    assert client.get(reverse("calls:document", args=[document.pk])).status_code == 404


def test_the_admin_lists_calls_read_only(client, people, call):
    superuser = f.user("root@exemple.fr", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get("/admin/calls/call/")
    assert page.status_code == 200 and call.title in page.content.decode()
    assert client.get("/admin/calls/call/add/").status_code == 403
