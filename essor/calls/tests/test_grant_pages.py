import pytest
from django.urls import reverse

from essor.calls.tests.test_permissions import DONE, LOGIN, OK, ROLES, expect
from essor.calls.tests.test_scdl import accept

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.calls.tests.urls")]
VIEWS = {
    "grant_detail": ("get", expect(LOGIN, OK, 404, 403, 404, OK, OK, 404)),
    "grant_schedule": ("post", expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404)),
    "grant_report": ("post", expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404)),
    "grant_indicator": ("post", expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404)),
}


def test_grant_pages_permission_matrix(client, people, call):
    """Every role on every grant page (empty bodies: no POST changes anything)."""
    application = accept(people, call, "12000")
    for view, (method, expected) in VIEWS.items():
        url = reverse(f"calls:{view}", args=[application.pk])
        got = {}
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(people[role])
            got[role] = getattr(client, method)(url).status_code
        assert got == expected, view


def test_staff_set_a_schedule_record_a_payment_and_follow_reports(client, people, call):
    application = accept(people, call, "12000")
    grant = application.grant
    client.force_login(people["agent"])
    page = client.get(reverse("calls:grant_detail", args=[application.pk])).content.decode()
    assert "12000" in page
    data = {
        "echeance-TOTAL_FORMS": "3",
        "echeance-INITIAL_FORMS": "1",
        "echeance-0-kind": "advance",
        "echeance-0-amount": "8000",
        "echeance-0-due_on": "2031-07-01",
        "echeance-1-kind": "balance",
        "echeance-1-amount": "4000",
        "echeance-1-due_on": "2032-07-01",
        "echeance-2-kind": "",
        "echeance-2-amount": "",
        "echeance-2-due_on": "",
    }
    client.post(reverse("calls:grant_schedule", args=[application.pk]), data)
    assert list(grant.payments.values_list("amount", flat=True)) == [8000, 4000]
    advance = grant.payments.first()
    client.post(
        reverse("calls:grant_paid", args=[application.pk, advance.pk]), {"paid_on": "2031-07-03"}
    )
    advance.refresh_from_db()
    assert advance.paid_on.isoformat() == "2031-07-03"
    client.post(
        reverse("calls:grant_report", args=[application.pk]),
        {"label": "Bilan d'activité", "due_on": "2032-03-31"},
    )
    client.post(
        reverse("calls:grant_indicator", args=[application.pk]),
        {"label": "Personnes accompagnées", "target": "40", "achieved": "12"},
    )
    assert grant.reports.get().label == "Bilan d'activité"
    assert grant.indicators.get().achieved == 12
    client.force_login(people["applicant"])
    page = client.get(reverse("calls:grant_detail", args=[application.pk])).content.decode()
    assert "Bilan d&#x27;activité" in page and "Enregistrer l&#x27;échéancier" not in page
