"""The states of an application and the transitions allowed between them.

brouillon → déposé → recevable / irrecevable → en instruction → avis rendus → en comité →
accepté / refusé / sans suite. Any open file may also be closed « sans suite ». Every transition
goes through `apply_transition`, which writes the transition log row and the audit entry; callers
(the actions) hold the application row locked and run inside their transaction.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.calls.enums import ApplicationState as S
from essor.calls.models import Application, Transition

ALLOWED: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ADMISSIBLE, S.INADMISSIBLE, S.DROPPED}),
    S.ADMISSIBLE: frozenset({S.REVIEWING, S.DROPPED}),
    S.REVIEWING: frozenset({S.REVIEWED, S.DROPPED}),
    S.REVIEWED: frozenset({S.REVIEWING, S.COMMITTEE, S.DROPPED}),
    S.COMMITTEE: frozenset({S.ACCEPTED, S.REFUSED, S.DROPPED}),
    S.INADMISSIBLE: frozenset(),
    S.ACCEPTED: frozenset(),
    S.REFUSED: frozenset(),
    S.DROPPED: frozenset(),
}
FINAL = frozenset(state for state, targets in ALLOWED.items() if not targets)
# States in which the applicant may still edit the file.
EDITABLE = frozenset({S.DRAFT})
# States in which reviewers may score.
SCORING = frozenset({S.REVIEWING})
DECISIONS = (S.ACCEPTED, S.REFUSED, S.DROPPED)


def can_move(from_state: str, to_state: str) -> bool:
    return to_state in ALLOWED.get(from_state, frozenset())


def apply_transition(
    application: Application, to_state: str, *, actor, reason: str = "", source: str = "web"
) -> Transition:
    """Moves a (locked) application to `to_state`, logging who, when and why."""
    from_state = application.state
    if not can_move(from_state, to_state):
        raise ValidationError(
            _("Passage impossible de l'état « %(from)s » à l'état « %(to)s ».")
            % {"from": S(from_state).label, "to": S(to_state).label}
        )
    now = timezone.now()
    application.state = to_state
    application.save(update_fields=["state", "updated_at"])
    transition = Transition.objects.create(
        application=application,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        created_at=now,
    )
    audit.record(
        actor,
        f"calls.application.{to_state}",
        application,
        organisation=application.call.organisation,
        changes={"state": [from_state, to_state], **({"reason": [None, reason]} if reason else {})},
        source=source,
    )
    return transition
