from essor.accounts.models import User
from essor.calls.actions.instruction import REVIEWER_ROLES
from essor.calls.models import Application


def reviewer_choices(application: Application):
    """Members of the call's organisation who may review, minus those already assigned."""
    assigned = application.assignments.values("reviewer_id")
    return (
        User.objects.filter(
            membership__organisation=application.call.organisation,
            membership__role__in=REVIEWER_ROLES,
        )
        .exclude(pk__in=assigned)
        .exclude(pk=application.applicant_id)
        .distinct()
        .order_by("email")
    )
