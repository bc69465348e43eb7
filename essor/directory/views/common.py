"""Helpers shared by the directory views: the actor behind a slug, display of values, errors."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect

from essor.directory import official as official_data
from essor.directory import perms
from essor.directory.enums import ActorKind, Label, LifeStage, ModerationStatus
from essor.directory.models import Actor
from essor.directory.models.actors import CONTRIBUTED_FIELDS
from essor.ess.themes import Theme
from essor.territories.models import Commune


@dataclass
class Target:
    """What a slug designates: an actor row, the Sirene legal unit, or both."""

    slug: str
    actor: Actor | None
    official: official_data.Official | None

    @property
    def name(self) -> str:
        if self.actor is not None:
            return self.actor.name
        return self.official.name


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class Moved(Exception):
    def __init__(self, slug: str):
        self.slug = slug


def resolve(request, slug: str) -> Target:
    """The actor of `slug` if the user may see it (404 otherwise, same as missing); raises Moved
    for a duplicate (or a SIREN now carried by another row)."""
    actor = Actor.objects.select_related("commune", "duplicate_of").filter(slug=slug).first()
    if actor is None and slug.isdigit() and len(slug) == 9:
        actor = (
            Actor.objects.filter(siren=slug)
            .exclude(status__in=[ModerationStatus.DUPLICATE, ModerationStatus.REMOVED])
            .first()
        )
        if actor is not None:
            raise Moved(actor.slug)
    if actor is not None:
        if not perms.can_view_actor(request.user, actor):
            raise Http404
        if actor.status == ModerationStatus.DUPLICATE and actor.duplicate_of_id:
            raise Moved(actor.duplicate_of.slug)
        return Target(slug, actor, official_data.official_for(actor.siren))
    official = official_data.official_for(slug) if slug.isdigit() and len(slug) == 9 else None
    if official is None:
        raise Http404
    return Target(slug, None, official)


def redirect_moved(moved: Moved, view: str = "directory:actor_detail"):
    return redirect(view, moved.slug, permanent=False)


def show_errors(request, error: ValidationError, form=None) -> None:
    if form is not None and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            if field in form.fields:
                for message in errors:
                    form.add_error(field, message)
            else:
                for message in errors:
                    messages.error(request, message)
        return
    for message in error.messages:
        messages.error(request, message)


CHOICE_LABELS = {
    "themes": dict(Theme.choices),
    "labels": dict(Label.choices),
    "kind": dict(ActorKind.choices),
    "life_stage": dict(LifeStage.choices),
}


def ordered(data: dict) -> list[tuple]:
    """The items of a version's data in the form's field order (JSON objects keep no order on
    PostgreSQL)."""
    return [(name, data[name]) for name in CONTRIBUTED_FIELDS if name in data]


def field_label(name: str) -> str:
    return str(Actor._meta.get_field(name).verbose_name).capitalize()


def display_value(name: str, value, communes: dict | None = None) -> str:
    """A contributed value as text for people (labels for choices, names for communes)."""
    if value in (None, "", []):
        return "—"
    if name in CHOICE_LABELS:
        labels = CHOICE_LABELS[name]
        items = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in items)
    if name in ("commune", "intervention_communes"):
        codes = value if isinstance(value, list) else [value]
        if communes is None:
            communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
        return ", ".join(f"{communes.get(c, c)} ({c})" for c in codes)
    if name == "logo":
        return "image"
    if name == "intervention_radius_km":
        return f"{value} km"
    return str(value)
