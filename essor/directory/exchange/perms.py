"""Who may do what with imports, sources and saved searches. Each docstring says who may.

An import is made for one organisation: its rows must lie in that organisation's communes (rows
elsewhere are rejected), so a moderator of another territory can neither open its import pages
(404) nor bring actors into it.
"""

from essor.accounts.enums import Role
from essor.accounts.models import Organisation

IMPORT_ROLES = (Role.ADMIN, Role.MODERATOR)


def importing_organisations(user):
    """The organisations `user` may import for: all for a superuser; else those where the user
    is an admin or a moderator."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        membership__user=user, membership__role__in=IMPORT_ROLES
    ).distinct()


def can_import_for(user, organisation) -> bool:
    """Superusers, and the admins and moderators of `organisation`."""
    return importing_organisations(user).filter(pk=organisation.pk).exists()


def can_save_search(user) -> bool:
    """Any signed-in user (alerts go to the account's e-mail address)."""
    return bool(getattr(user, "is_authenticated", False))
