import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from essor.calls.actions import grants
from essor.calls.enums import PaymentKind
from essor.calls.tests.test_scdl import accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(people, call):
    return accept(people, call, "10000", convention_date=datetime.date(2031, 1, 10)).grant


def test_a_schedule_must_add_up_to_the_grant(grant, people):
    with pytest.raises(ValidationError, match="diffère"):
        grants.set_payment_schedule(
            grant,
            [(PaymentKind.ADVANCE, Decimal("5000"), datetime.date(2031, 2, 1))],
            actor=people["agent"],
        )


def test_reminders_mail_due_items_once(grant, people, django_capture_on_commit_callbacks):
    grants.set_payment_schedule(
        grant,
        [
            (PaymentKind.ADVANCE, Decimal("6000"), datetime.date(2031, 2, 1)),
            (PaymentKind.BALANCE, Decimal("4000"), datetime.date(2032, 2, 1)),
        ],
        actor=people["agent"],
    )
    grants.add_report(
        grant,
        label="Compte rendu financier",
        due_on=datetime.date(2031, 2, 3),
        actor=people["agent"],
    )
    grants.save_indicator(grant, label="Emplois créés", unit="ETP", target=3, actor=people["agent"])
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_grant_reminders", "--today", "2031-01-28", stdout=out)
    assert "grants_reminded=1" in out.getvalue()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Avance de 6000.00 €" in body and "Compte rendu financier" in body
    assert "Solde" not in body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_grant_reminders", "--today", "2031-01-30", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    grants.record_payment(
        grant.payments.first(), paid_on=datetime.date(2031, 2, 1), actor=people["agent"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_grant_reminders", "--today", "2031-02-10", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert "Avance" not in mail.outbox[1].body
