"""Permission questions about the directory. Each docstring says who may.

The territory of an actor is its commune (for a Sirene legal unit: the commune of its head office,
set when its row is created). The organisations whose `communes` include it moderate it: their
members with role moderator or admin, plus superusers. A moderator of another territory cannot
moderate it. What a user may not see is a 404; what they may see but not do is a 403.
"""

from django.db.models import Q

from essor.accounts.enums import Role
from essor.accounts.models import Membership, Organisation
from essor.directory.enums import ClaimStatus, ModerationStatus
from essor.directory.models import Actor, ActorClaim, CustomField

MODERATOR_ROLES = (Role.MODERATOR, Role.ADMIN)
# Members who see an organisation's private fields and fill its custom fields. A structure member
# (role structure_member) belongs to the organisation as a contributor, not as its staff.
ORGANISATION_STAFF_ROLES = (Role.ADMIN, Role.AGENT, Role.MODERATOR)
PUBLIC_STATUSES = (ModerationStatus.VALIDATED, ModerationStatus.MODIFIED_PENDING)


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def territory_codes(actor: Actor) -> list[str]:
    """The commune codes that place `actor` in a territory (an arrondissement counts for its
    parent commune too)."""
    if actor.commune_id is None:
        return []
    codes = [actor.commune_id]
    parent = getattr(actor.commune, "parent_id", None)
    if parent:
        codes.append(parent)
    return codes


def territory_organisations(actor: Actor):
    """The organisations whose perimeter includes the actor's commune."""
    return Organisation.objects.filter(communes__in=territory_codes(actor)).distinct()


def moderated_organisations(user):
    if not _signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        membership__user=user, membership__role__in=MODERATOR_ROLES
    ).distinct()


def moderated_actors(user):
    """Actors in the territories `user` moderates (every actor for a superuser)."""
    if _superuser(user):
        return Actor.objects.all()
    organisations = moderated_organisations(user)
    return Actor.objects.filter(
        Q(commune__organisation__in=organisations)
        | Q(commune__parent__organisation__in=organisations)
    ).distinct()


def can_moderate_actor(user, actor: Actor) -> bool:
    """Superusers, and the moderators and admins of an organisation whose communes include the
    actor's commune."""
    if _superuser(user):
        return True
    if not _signed_in(user) or not territory_codes(actor):
        return False
    return Membership.objects.filter(
        user=user,
        role__in=MODERATOR_ROLES,
        organisation__communes__in=territory_codes(actor),
    ).exists()


def can_view_moderation_queue(user) -> bool:
    """Superusers and every moderator or admin of an organisation."""
    return _superuser(user) or moderated_organisations(user).exists()


def is_verified_claimant(user, actor: Actor) -> bool:
    if not _signed_in(user) or actor.pk is None:
        return False
    return ActorClaim.objects.filter(actor=actor, user=user, status=ClaimStatus.VERIFIED).exists()


def is_creation_author(user, actor: Actor) -> bool:
    return _signed_in(user) and actor.versions.filter(author=user, kind="creation").exists()


def can_view_actor(user, actor: Actor) -> bool:
    """Everyone for a validated actor (or one with a pending change); a new actor not yet
    validated, or refused: its author and its moderators; a removed one: its moderators. (A
    duplicate redirects to the actor it duplicates.)"""
    if actor.status in PUBLIC_STATUSES or actor.status == ModerationStatus.DUPLICATE:
        return True
    if can_moderate_actor(user, actor):
        return True
    return actor.status != ModerationStatus.REMOVED and is_creation_author(user, actor)


def can_suggest_change(user, actor: Actor | None) -> bool:
    """Everyone (anonymous people leave an e-mail address) on a public actor, or on a Sirene legal
    unit with no row yet (`actor` None)."""
    return actor is None or actor.status in PUBLIC_STATUSES


def can_claim_actor(user, actor: Actor | None) -> bool:
    """Signed-in users, on a public actor (or a Sirene legal unit), unless they already have a
    pending or verified claim on it."""
    if not _signed_in(user) or not can_suggest_change(user, actor):
        return False
    if actor is None or actor.pk is None:
        return True
    return not ActorClaim.objects.filter(
        actor=actor, user=user, status__in=[ClaimStatus.PENDING, ClaimStatus.VERIFIED]
    ).exists()


def can_report_error(user, actor: Actor | None) -> bool:
    """Everyone, on what they can see."""
    return actor is None or actor.status in PUBLIC_STATUSES


def can_view_private_field(user, field: CustomField) -> bool:
    """Public fields: everyone. Private fields: superusers and the admins, agents and moderators
    of the organisation that defines the field."""
    if field.is_public or _superuser(user):
        return True
    return (
        _signed_in(user)
        and Membership.objects.filter(
            user=user, organisation_id=field.organisation_id, role__in=ORGANISATION_STAFF_ROLES
        ).exists()
    )


def can_edit_custom_values(user, organisation: Organisation) -> bool:
    """Superusers and the admins, agents and moderators of the organisation defining the fields."""
    if _superuser(user):
        return True
    return (
        _signed_in(user)
        and Membership.objects.filter(
            user=user, organisation=organisation, role__in=ORGANISATION_STAFF_ROLES
        ).exists()
    )


def can_manage_ptce(user, ptce: Actor) -> bool:
    """Members of a PTCE are set by the moderators of its territory."""
    return can_moderate_actor(user, ptce)


def visible_custom_values(user, actor: Actor) -> list:
    """The custom values of `actor` that `user` may read, with their field."""
    values = actor.custom_values.select_related("field__organisation").order_by(
        "field__organisation__name", "field__label"
    )
    return [v for v in values if can_view_private_field(user, v.field)]
