"""Deadline reminders for grants: unpaid payments and missing reports due within `days` (or
overdue), at most one e-mail per grant per `every` days."""

import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.calls import notifications
from essor.calls.models import Grant, Payment, ReportingDocument


def _due(model, today: datetime.date, days: int, every: int, done_field: str):
    return model.objects.filter(
        **{f"{done_field}__isnull": True},
        due_on__lte=today + datetime.timedelta(days=days),
    ).filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - datetime.timedelta(days=every))
    )


@transaction.atomic
def send_due_reminders(
    today: datetime.date, *, days: int = 7, every: int = 7, source: str = "command"
) -> list[Grant]:
    payments = _due(Payment, today, days, every, "paid_on")
    reports = _due(ReportingDocument, today, days, every, "received_on")
    items: dict[int, list[str]] = {}
    for payment in payments:
        items.setdefault(payment.grant_id, []).append(
            _("%(kind)s de %(amount)s € attendu le %(date)s")
            % {
                "kind": payment.get_kind_display(),
                "amount": payment.amount,
                "date": date_format(payment.due_on),
            }
        )
    for report in reports:
        items.setdefault(report.grant_id, []).append(
            _("« %(label)s » à remettre le %(date)s")
            % {"label": report.label, "date": date_format(report.due_on)}
        )
    grants = list(
        Grant.objects.filter(pk__in=items).select_related(
            "application__applicant", "application__call__organisation"
        )
    )
    for grant in grants:
        audit.record(
            None,
            "calls.grant.reminded",
            grant,
            organisation=grant.application.call.organisation,
            changes={"items": [None, items[grant.pk]]},
            source=source,
        )
        transaction.on_commit(partial(notifications.send_grant_reminder, grant, items[grant.pk]))
    payments.update(reminded_on=today)
    reports.update(reminded_on=today)
    return grants
