"""Writes by reviewers: scores (an innovation Assessment of their own) and private notes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.calls.models import Application, PrivateNote, ReviewerAssignment
from essor.calls.workflow import SCORING
from essor.innovation.actions import save_assessment

SUBJECT_TYPE = "calls.application"


@transaction.atomic
def save_review(
    application: Application, scores: dict, *, actor, comment: str = "", source: str = "web"
):
    """Saves the actor's own assessment of `application` with the call's grid: `scores` is
    {criterion_id: (value, comment)}. Each reviewer writes only their own rows, so two reviewers
    saving at the same time lose nothing."""
    assignment = (
        ReviewerAssignment.objects.select_for_update()
        .select_related("application__call")
        .filter(application=application, reviewer=actor)
        .first()
    )
    if assignment is None:
        raise ValidationError(_("Cette candidature ne vous est pas confiée."))
    if assignment.has_conflict is None:
        raise ValidationError(
            _("Déclarez d'abord l'absence ou l'existence d'un conflit d'intérêts.")
        )
    if assignment.has_conflict:
        raise ValidationError(_("Vous avez déclaré un conflit d'intérêts sur ce dossier."))
    call = assignment.application.call
    if assignment.application.state not in SCORING:
        raise ValidationError(_("Ce dossier n'est pas en cours d'évaluation."))
    if call.grid_version is None:
        raise ValidationError(_("Cet appel n'a pas de grille d'évaluation."))
    assessment = save_assessment(
        call.grid_version,
        scores,
        author=actor,
        subject_type=SUBJECT_TYPE,
        subject_id=str(application.pk),
        comment=comment,
        source=source,
    )
    if assignment.assessment_id != assessment.pk:
        assignment.assessment = assessment
        assignment.save(update_fields=["assessment"])
    return assessment


@transaction.atomic
def add_private_note(application: Application, *, body: str, actor, source="web") -> PrivateNote:
    from essor.calls.perms import can_read_reviews

    if not body.strip():
        raise ValidationError(_("La note est vide."))
    if not can_read_reviews(actor, application):
        raise ValidationError(_("Vous ne pouvez pas annoter cette candidature."))
    note = PrivateNote.objects.create(application=application, author=actor, body=body.strip())
    audit.record(
        actor,
        "calls.note.added",
        note,
        organisation=application.call.organisation,
        changes={"length": [None, len(note.body)]},
        source=source,
    )
    return note
