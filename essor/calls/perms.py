"""Permission questions about calls and applications. Each docstring says who may.

Lists and details read through `Call.objects.visible_to(user)` and
`Application.objects.visible_to(user)`: what a user may not see is a 404, what they may see but not
do is a 403 (PermissionDenied) raised by the view.
"""

from essor.accounts.enums import Role
from essor.accounts.perms import has_role
from essor.calls.enums import ApplicationState, CallStatus
from essor.calls.models import Application, ApplicationDocument, Call
from essor.calls.models.call import STAFF_ROLES
from essor.calls.workflow import EDITABLE, SCORING


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def can_manage_calls_of(user, organisation) -> bool:
    """Superusers, and the organisation's admins and agents."""
    return _superuser(user) or has_role(user, organisation, *STAFF_ROLES)


def can_manage_call(user, call: Call) -> bool:
    """Superusers, and the admins and agents of the call's organisation."""
    return can_manage_calls_of(user, call.organisation)


def can_view_call(user, call: Call) -> bool:
    """Everyone for a published or closed call; the call's staff for a draft."""
    return call.status != CallStatus.DRAFT or can_manage_call(user, call)


def can_apply_to_call(user, call: Call) -> bool:
    """Any signed-in user while the call is published (the dates are checked by the actions)."""
    return getattr(user, "is_authenticated", False) and call.status == CallStatus.PUBLISHED


def is_owner(user, application: Application) -> bool:
    return getattr(user, "pk", None) is not None and application.applicant_id == user.pk


def assignment_of(user, application: Application):
    if not getattr(user, "is_authenticated", False):
        return None
    return application.assignments.filter(reviewer=user).first()


def can_view_application(user, application: Application) -> bool:
    """The applicant, the reviewers assigned to it, and the call's staff once it is submitted."""
    return (
        is_owner(user, application)
        or assignment_of(user, application) is not None
        or (application.state not in EDITABLE and can_manage_call(user, application.call))
    )


def can_edit_application(user, application: Application) -> bool:
    """The applicant, while the application is a draft."""
    return is_owner(user, application) and application.state in EDITABLE


def can_instruct_application(user, application: Application) -> bool:
    """The call's staff (admins and agents of its organisation) and superusers."""
    return can_manage_call(user, application.call)


def can_decide_application(user, application: Application) -> bool:
    """Admins of the call's organisation and superusers: agents prepare, admins decide."""
    return _superuser(user) or has_role(user, application.call.organisation, Role.ADMIN)


def can_review_application(user, application: Application) -> bool:
    """An assigned reviewer who declared no conflict of interest, while the file is in review."""
    assignment = assignment_of(user, application)
    return (
        assignment is not None and assignment.has_conflict is False and application.state in SCORING
    )


def can_declare_conflict(user, application: Application) -> bool:
    """An assigned reviewer who has not declared yet."""
    assignment = assignment_of(user, application)
    return assignment is not None and assignment.has_conflict is None


def can_read_reviews(user, application: Application) -> bool:
    """Scores and private notes: the call's staff and the assigned reviewers, never the applicant
    (unless they are also staff)."""
    return can_instruct_application(user, application) or (
        assignment_of(user, application) is not None
    )


def can_send_message(user, application: Application) -> bool:
    """The applicant and the call's staff, once the application exists."""
    return is_owner(user, application) or can_instruct_application(user, application)


def can_view_document(user, document: ApplicationDocument) -> bool:
    """The applicant, the assigned reviewers and the call's staff."""
    return can_view_application(user, document.application)


def can_view_committee(user, call: Call) -> bool:
    """The call's staff."""
    return can_manage_call(user, call)


def can_export_scdl(user, organisation) -> bool:
    """Everyone: granted subsidies are public data (decree 2017-779)."""
    return True


def is_decided(application: Application) -> bool:
    return application.state in (
        ApplicationState.ACCEPTED,
        ApplicationState.REFUSED,
        ApplicationState.DROPPED,
    )
