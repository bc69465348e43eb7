"""The only place where imports write actors, through the directory's actions
(essor.directory.actions), so imports get the same checks, moderation, audit and events as the
web pages:

- a moderator's import: each row is proposed (`propose_actor` / `propose_change`) then approved
  at once by that moderator (`approve_version`), so the history shows a validated version by the
  importing moderator;
- a scheduled refresh: proposed only, left pending for the moderators of the territory.

A row matched to a Sirene legal unit with no actor row yet gets its row from `actor_for_siren`.
The audit entries carry the batch as source (« import:<batch id> »), and so does the actor's
`source` when the import created it.
"""

from django.conf import settings

from essor.directory import actions
from essor.directory.enums import ModerationStatus
from essor.directory.models import Actor

LIVE_EXCLUDED = (ModerationStatus.DUPLICATE, ModerationStatus.REMOVED)


def live_actors():
    return Actor.objects.exclude(status__in=LIVE_EXCLUDED)


def current_values(actor: Actor, fields) -> dict:
    values = actions.actor_values(actor)
    return {name: values.get(name) for name in fields}


def _author(user, source_name: str) -> dict:
    if getattr(user, "pk", None):
        return {"by": user}
    # A refresh without a known owner: named after its source, answers go to the instance.
    return {
        "by": None,
        "author_name": source_name[:200],
        "author_email": settings.DEFAULT_FROM_EMAIL,
    }


def _comment(source: str, source_name: str) -> str:
    return f"Import {source_name} ({source})"


def create_actor(
    *,
    data: dict,
    siren: str,
    siret: str,
    user,
    source: str,
    source_name: str,
    source_ref: str = "",
    validate: bool,
    in_sirene: bool | None = None,
) -> Actor:
    """A new actor with `data` (validated by `user` when `validate`, else pending).
    `in_sirene`: whether the preview found the SIREN in the current Sirene import (looked up
    when not given)."""
    author = _author(user, source_name)
    comment = _comment(source, source_name)
    if in_sirene is None and siren:
        from essor.directory.official import official_for

        in_sirene = official_for(siren) is not None
    if siren and in_sirene:
        actor = actions.actor_for_siren(siren, by=author["by"], source=source)
        change_actor(
            actor,
            data=data,
            user=user,
            source=source,
            source_name=source_name,
            validate=validate,
        )
        return actor
    version = actions.propose_actor(
        data, siret=siret if len(siret) == 14 else "", comment=comment, source=source, **author
    )
    actor = version.actor
    Actor.objects.filter(pk=actor.pk).update(source=source[:100], source_ref=source_ref[:200])
    if validate:
        actions.approve_version(version, by=user, source=source)
    return actor


def change_actor(actor: Actor, *, data: dict, user, source: str, source_name: str, validate: bool):
    """A modification of `actor` with `data` (approved by `user` when `validate`); None when
    nothing differs from the actor's current values."""
    current = actions.actor_values(actor)
    if all(current.get(k) == v for k, v in actions.clean_values(data).items()):
        return None
    version = actions.propose_change(
        actor,
        data,
        comment=_comment(source, source_name),
        source=source,
        **_author(user, source_name),
    )
    if validate:
        actions.approve_version(version, by=user, source=source)
    return version
