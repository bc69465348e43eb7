"""Writes by the instructing team: admissibility, reviewers, committee, decision; messages."""

from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.accounts.enums import Role
from essor.calls import notifications
from essor.calls.actions.grants import create_grant
from essor.calls.enums import ApplicationState as S
from essor.calls.models import Application, Message, ReviewerAssignment
from essor.calls.workflow import DECISIONS, apply_transition

REVIEWER_ROLES = (Role.REVIEWER, Role.AGENT, Role.ADMIN)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("call__organisation")
        .get(pk=application.pk)
    )


@transaction.atomic
def declare_admissibility(
    application: Application, *, admissible: bool, actor, reason: str = "", source: str = "web"
) -> Application:
    locked = _lock(application)
    if not admissible and not reason.strip():
        raise ValidationError(_("Motivez la décision d'irrecevabilité."))
    target = S.ADMISSIBLE if admissible else S.INADMISSIBLE
    apply_transition(locked, target, actor=actor, reason=reason, source=source)
    if not admissible:
        transaction.on_commit(partial(notifications.send_decision, locked.pk))
    return locked


@transaction.atomic
def assign_reviewer(
    application: Application, reviewer, *, actor, source: str = "web"
) -> ReviewerAssignment:
    """Assigns a member (reviewer, agent or admin) of the call's organisation; the first
    assignment opens the review (recevable → en instruction)."""
    locked = _lock(application)
    organisation = locked.call.organisation
    if locked.state not in (S.ADMISSIBLE, S.REVIEWING):
        raise ValidationError(_("Les évaluateur·rices se désignent sur un dossier recevable."))
    if not organisation.membership_set.filter(user=reviewer, role__in=REVIEWER_ROLES).exists():
        raise ValidationError(_("Cette personne n'est pas évaluatrice dans l'organisation."))
    if reviewer.pk == locked.applicant_id:
        raise ValidationError(_("Le ou la candidat·e ne peut pas évaluer sa propre candidature."))
    assignment, created = ReviewerAssignment.objects.get_or_create(
        application=locked, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if not created:
        raise ValidationError(_("Cette personne évalue déjà cette candidature."))
    audit.record(
        actor,
        "calls.reviewer.assigned",
        assignment,
        organisation=organisation,
        changes={"reviewer": [None, reviewer.email]},
        source=source,
    )
    if locked.state == S.ADMISSIBLE:
        apply_transition(locked, S.REVIEWING, actor=actor, source=source)
    transaction.on_commit(partial(notifications.send_reviewer_assigned, locked.pk, reviewer.email))
    return assignment


@transaction.atomic
def declare_conflict(
    application: Application, *, has_conflict: bool, actor, text: str = "", source: str = "web"
) -> ReviewerAssignment:
    assignment = (
        ReviewerAssignment.objects.select_for_update()
        .filter(application=application, reviewer=actor)
        .first()
    )
    if assignment is None:
        raise ValidationError(_("Cette candidature ne vous est pas confiée."))
    if assignment.has_conflict is not None:
        raise ValidationError(_("Votre déclaration a déjà été enregistrée."))
    if has_conflict and not text.strip():
        raise ValidationError(_("Précisez la nature du conflit d'intérêts."))
    assignment.has_conflict = has_conflict
    assignment.conflict_text = text.strip()
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["has_conflict", "conflict_text", "declared_at"])
    audit.record(
        actor,
        "calls.reviewer.conflict_declared",
        assignment,
        organisation=application.call.organisation,
        changes={"has_conflict": [None, has_conflict]},
        source=source,
    )
    return assignment


@transaction.atomic
def close_reviews(application: Application, *, actor, reason: str = "", source: str = "web"):
    locked = _lock(application)
    if not locked.assignments.filter(assessment__isnull=False).exists():
        raise ValidationError(_("Aucune évaluation n'a encore été rendue."))
    apply_transition(locked, S.REVIEWED, actor=actor, reason=reason, source=source)
    return locked


@transaction.atomic
def send_to_committee(
    application: Application, *, actor, amount_proposed=None, source: str = "web"
) -> Application:
    locked = _lock(application)
    if amount_proposed is not None:
        _set_proposed(locked, amount_proposed, actor=actor, source=source)
    apply_transition(locked, S.COMMITTEE, actor=actor, source=source)
    return locked


def _set_proposed(locked: Application, amount, *, actor, source: str) -> None:
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError(_("Le montant proposé ne peut pas être négatif."))
    before = locked.amount_proposed
    locked.amount_proposed = amount
    locked.save(update_fields=["amount_proposed", "updated_at"])
    audit.record(
        actor,
        "calls.application.amount_proposed",
        locked,
        organisation=locked.call.organisation,
        changes={"amount_proposed": [str(before) if before is not None else None, str(amount)]},
        source=source,
    )


@transaction.atomic
def propose_amount(application: Application, *, amount, actor, source: str = "web"):
    locked = _lock(application)
    if locked.state not in (S.REVIEWED, S.COMMITTEE):
        raise ValidationError(_("Le montant se propose une fois les avis rendus."))
    _set_proposed(locked, amount, actor=actor, source=source)
    return locked


@transaction.atomic
def decide_application(
    application: Application,
    *,
    decision: str,
    actor,
    reason: str = "",
    amount_granted=None,
    convention_date=None,
    source: str = "web",
) -> Application:
    """Accepted (with the amount granted, which creates the grant), refused or sans suite."""
    if decision not in DECISIONS:
        raise ValidationError(_("Décision inconnue."))
    locked = _lock(application)
    if decision == S.ACCEPTED:
        amount = Decimal(amount_granted) if amount_granted not in (None, "") else None
        if amount is None or amount <= 0:
            raise ValidationError(_("Indiquez le montant accordé."))
        locked.amount_granted = amount
        locked.save(update_fields=["amount_granted", "updated_at"])
    elif not reason.strip():
        raise ValidationError(_("Motivez la décision."))
    apply_transition(locked, decision, actor=actor, reason=reason, source=source)
    if decision == S.ACCEPTED:
        create_grant(
            locked,
            actor=actor,
            convention_date=convention_date or timezone.localdate(),
            source=source,
        )
    transaction.on_commit(partial(notifications.send_decision, locked.pk))
    return locked


@transaction.atomic
def send_message(application: Application, *, body: str, actor, source: str = "web") -> Message:
    from essor.calls.perms import can_instruct_application, is_owner

    if not body.strip():
        raise ValidationError(_("Le message est vide."))
    if not (is_owner(actor, application) or can_instruct_application(actor, application)):
        raise ValidationError(_("Vous ne pouvez pas écrire sur cette candidature."))
    message = Message.objects.create(
        application=application,
        author=actor,
        from_staff=not is_owner(actor, application),
        body=body.strip(),
    )
    audit.record(
        actor,
        "calls.message.sent",
        message,
        organisation=application.call.organisation,
        changes={"length": [None, len(message.body)]},
        source=source,
    )
    if message.from_staff:
        transaction.on_commit(partial(notifications.send_message_notice, message.pk))
    return message
