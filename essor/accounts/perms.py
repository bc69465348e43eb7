"""Permission questions about organisations. Each function's docstring says who may."""

from essor.accounts.enums import Role
from essor.accounts.models import Organisation


def has_role(user, organisation: Organisation, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return organisation.membership_set.filter(user=user, role__in=roles).exists()


def can_manage_members(user, organisation: Organisation) -> bool:
    """Staff (superusers) and the organisation's admins."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, organisation, Role.ADMIN)


def can_view_audit(user, organisation: Organisation) -> bool:
    """Staff, the organisation's admins and moderators."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, organisation, Role.ADMIN, Role.MODERATOR)
