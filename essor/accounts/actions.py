"""Writes on organisations and memberships: check, write, audit — one function each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from essor.accounts import audit
from essor.accounts.enums import Role
from essor.accounts.models import Membership, Organisation, User


@transaction.atomic
def create_organisation(
    *, name: str, kind: str, communes=(), siren: str = "", actor: User | None, source: str = "web"
) -> Organisation:
    slug = slugify(name)[:50] or "organisation"
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(f"Une organisation « {name} » existe déjà.")
    organisation = Organisation.objects.create(name=name, slug=slug, kind=kind, siren=siren)
    codes = [c.code if hasattr(c, "code") else c for c in communes]
    organisation.communes.set(codes)
    audit.record(
        actor,
        "accounts.organisation.created",
        organisation,
        organisation=organisation,
        changes={
            "name": [None, name],
            "kind": [None, kind],
            "communes": [None, len(codes)],
        },
        source=source,
    )
    return organisation


@transaction.atomic
def add_member(
    organisation: Organisation, user: User, role: str, *, actor: User | None, source: str = "web"
) -> Membership:
    if role not in Role.values:
        raise ValidationError(f"Rôle inconnu : {role}")
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=user, role=role
    )
    if created:
        audit.record(
            actor,
            "accounts.membership.added",
            membership,
            organisation=organisation,
            changes={"user": [None, user.email], "role": [None, role]},
            source=source,
        )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: User | None, source: str = "web") -> None:
    audit.record(
        actor,
        "accounts.membership.removed",
        membership,
        organisation=membership.organisation,
        changes={"user": [membership.user.email, None], "role": [membership.role, None]},
        source=source,
    )
    membership.delete()
