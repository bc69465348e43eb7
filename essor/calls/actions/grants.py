"""Writes on grants: convention, payment schedule, payments, reports, result indicators."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.calls.enums import ApplicationState, PaymentKind
from essor.calls.models import Application, Grant, Payment, ReportingDocument, ResultIndicator


def _org(grant: Grant):
    return grant.application.call.organisation


@transaction.atomic
def create_grant(
    application: Application,
    *,
    convention_date: datetime.date,
    actor,
    purpose: str = "",
    source: str = "web",
) -> Grant:
    """The convention of an accepted application, paid in one instalment until a schedule is set."""
    if application.state != ApplicationState.ACCEPTED or not application.amount_granted:
        raise ValidationError(_("Seule une candidature acceptée donne lieu à une convention."))
    grant = Grant.objects.create(
        application=application,
        convention_date=convention_date,
        amount=application.amount_granted,
        purpose=(purpose or application.project_title or application.call.title)[:256],
    )
    Payment.objects.create(
        grant=grant, kind=PaymentKind.BALANCE, amount=grant.amount, due_on=convention_date
    )
    audit.record(
        actor,
        "calls.grant.created",
        grant,
        organisation=application.call.organisation,
        changes={
            "amount": [None, str(grant.amount)],
            "convention_date": [None, convention_date.isoformat()],
        },
        source=source,
    )
    return grant


@transaction.atomic
def set_payment_schedule(
    grant: Grant, schedule: list[tuple[str, Decimal, datetime.date]], *, actor, source="web"
) -> list[Payment]:
    """Replaces the unpaid schedule. The amounts must add up to the grant's amount."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.payments.filter(paid_on__isnull=False).exists():
        raise ValidationError(_("Des versements ont déjà été effectués."))
    if not schedule:
        raise ValidationError(_("L'échéancier est vide."))
    total = sum((Decimal(amount) for _k, amount, _d in schedule), Decimal(0))
    if total != grant.amount:
        raise ValidationError(
            _("Le total des versements (%(total)s €) diffère du montant (%(amount)s €).")
            % {"total": total, "amount": grant.amount}
        )
    for kind, _amount, _due in schedule:
        if kind not in PaymentKind.values:
            raise ValidationError(_("Type de versement inconnu : %s") % kind)
    grant.payments.all().delete()
    payments = [
        Payment.objects.create(grant=grant, kind=kind, amount=Decimal(amount), due_on=due)
        for kind, amount, due in schedule
    ]
    audit.record(
        actor,
        "calls.grant.schedule_set",
        grant,
        organisation=_org(grant),
        changes={"payments": [None, [[k, str(a), d.isoformat()] for k, a, d in schedule]]},
        source=source,
    )
    return payments


@transaction.atomic
def record_payment(payment: Payment, *, paid_on: datetime.date, actor, source="web") -> Payment:
    payment = Payment.objects.select_for_update().select_related("grant").get(pk=payment.pk)
    if payment.paid_on is not None:
        raise ValidationError(_("Ce versement est déjà enregistré."))
    payment.paid_on = paid_on
    payment.save(update_fields=["paid_on"])
    audit.record(
        actor,
        "calls.payment.paid",
        payment,
        organisation=_org(payment.grant),
        changes={"paid_on": [None, paid_on.isoformat()]},
        source=source,
    )
    return payment


@transaction.atomic
def add_report(
    grant: Grant, *, label: str, due_on: datetime.date, actor, source="web"
) -> ReportingDocument:
    report = ReportingDocument.objects.create(grant=grant, label=label, due_on=due_on)
    audit.record(
        actor,
        "calls.report.expected",
        report,
        organisation=_org(grant),
        changes={"label": [None, label], "due_on": [None, due_on.isoformat()]},
        source=source,
    )
    return report


@transaction.atomic
def receive_report(
    report: ReportingDocument, *, received_on: datetime.date, actor, document=None, source="web"
) -> ReportingDocument:
    report.received_on = received_on
    report.document = document
    report.save(update_fields=["received_on", "document"])
    audit.record(
        actor,
        "calls.report.received",
        report,
        organisation=_org(report.grant),
        changes={"received_on": [None, received_on.isoformat()]},
        source=source,
    )
    return report


@transaction.atomic
def save_indicator(
    grant: Grant,
    *,
    label: str,
    actor,
    unit: str = "",
    target=None,
    achieved=None,
    measured_on=None,
    source="web",
) -> ResultIndicator:
    indicator, created = ResultIndicator.objects.update_or_create(
        grant=grant,
        label=label,
        defaults={"unit": unit, "target": target, "achieved": achieved, "measured_on": measured_on},
    )
    audit.record(
        actor,
        "calls.indicator.saved",
        indicator,
        organisation=_org(grant),
        changes={"target": [None, str(target)], "achieved": [None, str(achieved)]},
        source=source,
    )
    return indicator
