"""« Signaler une erreur » reports and their closing."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory.actions.common import check_moderator, organisation_of
from essor.directory.models import (
    Actor,
    ErrorReport,
)


@transaction.atomic
def report_error(actor: Actor, *, message: str, email: str = "", by=None, source="web"):
    message = (message or "").strip()
    if len(message) < 5:
        raise ValidationError({"message": _("Décrivez l'erreur en quelques mots.")})
    email = (email or "").strip() or (getattr(by, "email", "") or "")
    if email:
        validate_email(email)
    report = ErrorReport.objects.create(actor=actor, message=message[:5000], email=email)
    audit.record(
        by,
        "directory.error_report.created",
        actor,
        organisation=organisation_of(actor),
        changes={"error_report": [None, report.pk]},
        source=source,
    )
    return report


@transaction.atomic
def close_report(report: ErrorReport, *, by, source="web") -> ErrorReport:
    report = (
        ErrorReport.objects.select_for_update(of=("self",))
        .select_related("actor")
        .get(pk=report.pk)
    )
    check_moderator(by, report.actor)
    if report.closed_at:
        raise ValidationError(_("Ce signalement est déjà traité."))
    report.closed_at = timezone.now()
    report.closed_by = by if getattr(by, "pk", None) else None
    report.save(update_fields=["closed_at", "closed_by"])
    audit.record(
        by,
        "directory.error_report.closed",
        report.actor,
        organisation=organisation_of(report.actor),
        changes={"error_report": [report.pk, None]},
        source=source,
    )
    return report


# --- custom fields --------------------------------------------------------------------------
