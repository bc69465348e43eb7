"""PTCE membership: adding and removing member actors."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory.actions.common import check_moderator, on_commit_changed, organisation_of
from essor.directory.enums import (
    ActorKind,
)
from essor.directory.models import (
    Actor,
    PtceMembership,
)


@transaction.atomic
def add_ptce_member(ptce: Actor, member: Actor, *, by, since=None, source="web"):
    check_moderator(by, ptce)
    if ptce.kind != ActorKind.PTCE:
        raise ValidationError(_("Seul un PTCE a des membres."))
    if member.pk == ptce.pk:
        raise ValidationError(_("Un PTCE ne peut pas être membre de lui-même."))
    membership, created = PtceMembership.objects.get_or_create(
        ptce=ptce, member=member, defaults={"since": since}
    )
    if created:
        audit.record(
            by,
            "directory.ptce.member_added",
            ptce,
            organisation=organisation_of(ptce),
            changes={"member": [None, member.slug]},
            source=source,
        )
        on_commit_changed(ptce)
    return membership


@transaction.atomic
def remove_ptce_member(ptce: Actor, member: Actor, *, by, source="web") -> None:
    check_moderator(by, ptce)
    deleted, _rows = PtceMembership.objects.filter(ptce=ptce, member=member).delete()
    if deleted:
        audit.record(
            by,
            "directory.ptce.member_removed",
            ptce,
            organisation=organisation_of(ptce),
            changes={"member": [member.slug, None]},
            source=source,
        )
        on_commit_changed(ptce)
