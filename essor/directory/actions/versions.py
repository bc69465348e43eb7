"""New actors, proposed changes and their moderation (GoGoCarto statuses), removal."""

import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory import events, notifications, perms
from essor.directory.actions.common import (
    author_fields,
    check_moderator,
    on_commit_changed,
    organisation_of,
)
from essor.directory.actions.values import (
    actor_values,
    apply_values,
    clean_values,
    save_with_communes,
)
from essor.directory.enums import (
    LifeStage,
    ModerationStatus,
    VersionKind,
    VersionStatus,
)
from essor.directory.models import (
    Actor,
    ActorVersion,
)
from essor.lib.identifiers import is_valid_siret
from essor.territories.models import Commune


@transaction.atomic
def actor_for_siren(siren: str, *, by=None, source: str = "web") -> Actor:
    """The live actor of the Sirene legal unit `siren`, its row created on first use (validated:
    the official part is Sirene's) with the name and the head office's commune."""
    from essor.directory.official import official_for

    existing = (
        Actor.objects.filter(siren=siren)
        .exclude(status__in=[ModerationStatus.DUPLICATE, ModerationStatus.REMOVED])
        .first()
    )
    if existing:
        return existing
    official = official_for(siren)
    if official is None:
        raise ValidationError(_("Aucune structure de l'ESS avec ce SIREN dans la base Sirene."))
    head = official.head_office
    commune = None
    if head is not None:
        code = head.commune_code
        commune = Commune.objects.filter(code=code).first()
    actor = Actor.objects.create(
        slug=siren,
        siren=siren,
        siret=head.siret if head else "",
        name=official.name[:300],
        status=ModerationStatus.VALIDATED,
        commune=commune,
        source="sirene",
        source_ref=siren,
    )
    audit.record(
        by,
        "directory.actor.created_from_sirene",
        actor,
        organisation=organisation_of(actor),
        changes={"siren": [None, siren], "status": [None, actor.status]},
        source=source,
    )
    return actor


# --- proposals ------------------------------------------------------------------------------


@transaction.atomic
def propose_actor(
    values: dict,
    *,
    by=None,
    siret: str = "",
    author_name: str = "",
    author_email: str = "",
    comment: str = "",
    source: str = "web",
) -> ActorVersion:
    """A new actor, PENDING until a moderator validates it. Without SIRET it is a project."""
    author = author_fields(by, author_name, author_email)
    siret = (siret or "").replace(" ", "")
    if siret and not is_valid_siret(siret):
        raise ValidationError({"siret": _("Ce numéro SIRET n'est pas valide.")})
    siren = siret[:9]
    from essor.directory.official import official_for

    if siren and (
        Actor.objects.filter(siren=siren)
        .exclude(status__in=[ModerationStatus.DUPLICATE, ModerationStatus.REMOVED])
        .exists()
        or official_for(siren) is not None
    ):
        raise ValidationError(
            {"siret": _("Cette structure est déjà dans l'annuaire : proposez une modification.")}
        )
    values = clean_values(values)
    if not values.get("name") or not values.get("commune"):
        raise ValidationError(_("Le nom et la commune sont obligatoires."))
    if not siren:
        values["life_stage"] = LifeStage.PROJECT
    # No SIREN: the slug is « p-<id> », known once the row exists.
    slug = siren or f"tmp-{secrets.token_hex(8)}"
    actor = Actor(siren=siren, siret=siret, status=ModerationStatus.PENDING, slug=slug)
    apply_values(actor, values)
    save_with_communes(actor, values)
    if not siren:
        actor.slug = f"p-{actor.pk}"
        actor.save(update_fields=["slug"])
    version = ActorVersion.objects.create(
        actor=actor, kind=VersionKind.CREATION, data=values, comment=comment.strip(), **author
    )
    audit.record(
        by,
        "directory.actor.proposed",
        actor,
        organisation=organisation_of(actor),
        changes={k: [None, v] for k, v in {**values, "status": actor.status}.items()},
        source=source,
    )
    return version


@transaction.atomic
def propose_change(
    actor: Actor,
    values: dict,
    *,
    by=None,
    author_name: str = "",
    author_email: str = "",
    comment: str = "",
    source: str = "web",
) -> ActorVersion:
    """A pending version with the fields that differ from the actor's current values."""
    author = author_fields(by, author_name, author_email)
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if actor.status not in (*perms.PUBLIC_STATUSES, ModerationStatus.PENDING):
        raise ValidationError(_("Cette fiche ne peut plus être modifiée."))
    current = actor_values(actor)
    proposed = clean_values(values)
    changed = {k: v for k, v in proposed.items() if v != current.get(k)}
    if not changed:
        raise ValidationError(_("Aucune modification par rapport à la fiche actuelle."))
    version = ActorVersion.objects.create(
        actor=actor,
        kind=VersionKind.MODIFICATION,
        data=changed,
        comment=comment.strip(),
        by_structure=perms.is_verified_claimant(by, actor),
        **author,
    )
    before_status = actor.status
    if actor.status == ModerationStatus.VALIDATED:
        actor.status = ModerationStatus.MODIFIED_PENDING
        actor.save(update_fields=["status", "updated_at"])
    audit.record(
        by,
        "directory.version.proposed",
        actor,
        organisation=organisation_of(actor),
        changes={
            **{k: [current.get(k), v] for k, v in changed.items()},
            **({"status": [before_status, actor.status]} if before_status != actor.status else {}),
        },
        source=source,
    )
    return version


# --- moderation -----------------------------------------------------------------------------


def _status_after_decision(actor: Actor, version: ActorVersion) -> str:
    others = actor.versions.filter(status=VersionStatus.PENDING).exclude(pk=version.pk).exists()
    if version.status == VersionStatus.REFUSED and version.kind == VersionKind.CREATION:
        return ModerationStatus.REFUSED
    if actor.status == ModerationStatus.PENDING and version.kind != VersionKind.CREATION:
        return ModerationStatus.PENDING
    return ModerationStatus.MODIFIED_PENDING if others else ModerationStatus.VALIDATED


def _lock_pending(version: ActorVersion) -> tuple[ActorVersion, Actor]:
    version = ActorVersion.objects.select_for_update().get(pk=version.pk)
    actor = (
        Actor.objects.select_for_update(of=("self",))
        .select_related("commune")
        .get(pk=version.actor_id)
    )
    if version.status != VersionStatus.PENDING:
        raise ValidationError(_("Cette version a déjà été modérée."))
    return version, actor


@transaction.atomic
def approve_version(version: ActorVersion, *, by, reason: str = "", source="web") -> ActorVersion:
    version, actor = _lock_pending(version)
    check_moderator(by, actor)
    before = actor_values(actor)
    before_status = actor.status
    if version.kind == VersionKind.CREATION:
        version.previous = {}
    else:
        version.previous = {k: before.get(k) for k in version.data}
        apply_values(actor, version.data)
    version.status = VersionStatus.VALIDATED
    version.moderated_by = by if getattr(by, "pk", None) else None
    version.moderated_at = timezone.now()
    version.reason = reason.strip()
    version.save(update_fields=["status", "previous", "moderated_by", "moderated_at", "reason"])
    actor.status = _status_after_decision(actor, version)
    save_with_communes(actor, version.data)
    after = actor_values(actor)
    audit.record(
        by,
        "directory.version.approved",
        actor,
        organisation=organisation_of(actor),
        changes={
            **audit.diff(before, after),
            "status": [before_status, actor.status],
            "version": [None, version.pk],
        },
        source=source,
    )
    # A moderator approving their own proposal (an import, say) is not told what they just did.
    if not (version.author_id and version.author_id == getattr(by, "pk", None)):
        transaction.on_commit(partial(notifications.send_version_decision, version.pk))
    if actor.status in perms.PUBLIC_STATUSES:
        on_commit_changed(actor)
    return version


@transaction.atomic
def refuse_version(version: ActorVersion, *, by, reason: str, source="web") -> ActorVersion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus à l'auteur·rice.")})
    version, actor = _lock_pending(version)
    check_moderator(by, actor)
    before_status = actor.status
    version.status = VersionStatus.REFUSED
    version.moderated_by = by if getattr(by, "pk", None) else None
    version.moderated_at = timezone.now()
    version.reason = reason
    version.save(update_fields=["status", "moderated_by", "moderated_at", "reason"])
    actor.status = _status_after_decision(actor, version)
    actor.save(update_fields=["status", "updated_at"])
    audit.record(
        by,
        "directory.version.refused",
        actor,
        organisation=organisation_of(actor),
        changes={
            "status": [before_status, actor.status],
            "version": [version.pk, None],
            "reason": [None, reason],
        },
        source=source,
    )
    transaction.on_commit(partial(notifications.send_version_decision, version.pk))
    return version


@transaction.atomic
def remove_actor(actor: Actor, *, by, reason: str, source="web") -> Actor:
    """Takes an actor out of the directory (kept, with its history, for the moderators)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la suppression.")})
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    check_moderator(by, actor)
    if actor.status == ModerationStatus.REMOVED:
        raise ValidationError(_("Cet acteur est déjà supprimé."))
    before = actor.status
    actor.status = ModerationStatus.REMOVED
    actor.save(update_fields=["status", "updated_at"])
    audit.record(
        by,
        "directory.actor.removed",
        actor,
        organisation=organisation_of(actor),
        changes={"status": [before, actor.status], "reason": [None, reason]},
        source=source,
    )
    transaction.on_commit(partial(events.actor_removed, actor))
    return actor


# --- claims ---------------------------------------------------------------------------------
