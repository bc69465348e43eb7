"""Helpers shared by the directory actions: moderator check, events, author fields."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from essor.directory import events, perms
from essor.directory.models import (
    Actor,
)


def organisation_of(actor: Actor):
    return perms.territory_organisations(actor).order_by("pk").first()


def check_moderator(by, actor: Actor) -> None:
    if by is not None and not perms.can_moderate_actor(by, actor):
        raise PermissionDenied(_("Cet acteur n'est pas dans un territoire que vous modérez."))


def on_commit_changed(actor: Actor) -> None:
    transaction.on_commit(partial(events.actor_changed, actor))


def author_fields(by, author_name: str, author_email: str) -> dict:
    if getattr(by, "pk", None):
        return {"author": by, "author_name": by.full_name or "", "author_email": ""}
    email = (author_email or "").strip()
    if not email:
        raise ValidationError(
            {"author_email": _("Indiquez votre e-mail pour être informé·e de la décision.")}
        )
    validate_email(email)
    return {"author": None, "author_name": (author_name or "").strip()[:200], "author_email": email}


# --- actors from Sirene -------------------------------------------------------------------
