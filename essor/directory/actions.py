"""Every write on the directory: check, write, audit, notify.

Moderation follows GoGoCarto's statuses (peers.md §1.3): a new actor is PENDING until a moderator
validates it; every change to a validated actor is an ActorVersion, PENDING until a moderator
approves or refuses it (the actor is MODIFIED_PENDING meanwhile). Versions proposed by a verified
claimant of the structure are moderated too, flagged « par la structure » (`by_structure`) so
moderators can handle them first: one rule for everyone keeps the public data reviewed and the
history complete. A version stores only the fields it changes (`data`) and, once approved, the
values they replaced (`previous`): the history of an actor is its validated versions.

The acting user is the keyword `by` (None for the system: demo and commands). Actions check the
cross-object rules and, for moderation, the moderator's territory, so no caller can skip them.
"""

import secrets
from functools import partial
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory import events, notifications, perms
from essor.directory.enums import (
    ActorKind,
    ClaimMethod,
    ClaimStatus,
    CustomFieldKind,
    Label,
    LifeStage,
    ModerationStatus,
    VersionKind,
    VersionStatus,
)
from essor.directory.models import (
    Actor,
    ActorClaim,
    ActorVersion,
    CustomField,
    CustomFieldValue,
    ErrorReport,
    PtceMembership,
)
from essor.directory.models.actors import CONTRIBUTED_FIELDS
from essor.ess.themes import Theme
from essor.lib.identifiers import is_valid_siret
from essor.territories.models import Commune

TEXT_LIMITS = {
    "name": 300,
    "description": 5000,
    "public_phone": 30,
    "opening_hours": 1000,
    "address": 300,
    "website": 200,
    "public_email": 254,
}
MAX_RADIUS_KM = 500


# --- values -------------------------------------------------------------------------------


def actor_values(actor: Actor) -> dict:
    """The contributed values of `actor`, JSON-ready (communes as codes)."""
    values = {}
    for name in CONTRIBUTED_FIELDS:
        if name == "commune":
            values[name] = actor.commune_id or ""
        elif name == "intervention_communes":
            values[name] = (
                sorted(actor.intervention_communes.values_list("code", flat=True))
                if actor.pk
                else []
            )
        else:
            values[name] = getattr(actor, name)
    return values


def _text(name: str, value) -> str:
    text = str(value or "").strip()
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise ValidationError({name: _("%(n)s caractères au plus.") % {"n": limit}})
    return text


def _choices(name: str, values, allowed) -> list[str]:
    values = sorted(set(values or []))
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({name: _("Valeur inconnue : %s") % ", ".join(sorted(unknown))})
    return values


def _coordinate(name: str, value, bound: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise ValidationError({name: _("Saisissez un nombre décimal.")}) from None
    if not -bound <= number <= bound:
        raise ValidationError({name: _("Coordonnée hors limites.")})
    return round(number, 6)


def _commune_codes(name: str, codes) -> list[str]:
    codes = sorted({str(c).strip() for c in codes or [] if str(c).strip()})
    found = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = sorted(set(codes) - found)
    if missing:
        raise ValidationError({name: _("Code commune inconnu : %s") % ", ".join(missing)})
    return codes


def clean_values(values: dict) -> dict:
    """Checks and normalises proposed contributed values (shape and references)."""
    unknown = set(values) - set(CONTRIBUTED_FIELDS)
    if unknown:
        raise ValidationError(_("Champs non modifiables : %s") % ", ".join(sorted(unknown)))
    clean = {}
    for name, value in values.items():
        if name in ("themes", "labels"):
            allowed = Theme.values if name == "themes" else Label.values
            clean[name] = _choices(name, value, allowed)
        elif name == "kind":
            clean[name] = _choices(name, [value], ActorKind.values)[0]
        elif name == "life_stage":
            clean[name] = _choices(name, [value], LifeStage.values)[0]
        elif name == "commune":
            clean[name] = _commune_codes(name, [value])[0] if value else ""
        elif name == "intervention_communes":
            clean[name] = _commune_codes(name, value)
        elif name in ("lat", "lon"):
            clean[name] = _coordinate(name, value, 90 if name == "lat" else 180)
        elif name == "intervention_radius_km":
            radius = None if value in (None, "") else int(value)
            if radius is not None and not 0 < radius <= MAX_RADIUS_KM:
                raise ValidationError({name: _("Rayon entre 1 et %d km.") % MAX_RADIUS_KM})
            clean[name] = radius
        else:
            clean[name] = _text(name, value)
    if clean.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(clean["website"])
        except ValidationError:
            message = _("Adresse web invalide (http:// ou https://).")
            raise ValidationError({"website": message}) from None
    if clean.get("public_email"):
        try:
            validate_email(clean["public_email"])
        except ValidationError:
            raise ValidationError({"public_email": _("Adresse e-mail invalide.")}) from None
    postal = clean.get("postal_code")
    if postal and not (postal.isdigit() and len(postal) == 5):
        raise ValidationError({"postal_code": _("Code postal à 5 chiffres.")})
    if "name" in clean and not clean["name"]:
        raise ValidationError({"name": _("Le nom est obligatoire.")})
    return clean


def _apply(actor: Actor, values: dict) -> None:
    """Writes contributed values on the row (the caller saves and audits)."""
    for name, value in values.items():
        if name == "commune":
            actor.commune_id = value or None
        elif name != "intervention_communes":
            setattr(actor, name, value)


def _save_with_communes(actor: Actor, values: dict) -> None:
    actor.save()
    if "intervention_communes" in values:
        actor.intervention_communes.set(values["intervention_communes"])


def _organisation(actor: Actor):
    return perms.territory_organisations(actor).order_by("pk").first()


def _check_moderator(by, actor: Actor) -> None:
    if by is not None and not perms.can_moderate_actor(by, actor):
        raise PermissionDenied(_("Cet acteur n'est pas dans un territoire que vous modérez."))


def _on_commit_changed(actor: Actor) -> None:
    transaction.on_commit(partial(events.actor_changed, actor))


def _author_fields(by, author_name: str, author_email: str) -> dict:
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
        organisation=_organisation(actor),
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
    author = _author_fields(by, author_name, author_email)
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
    _apply(actor, values)
    _save_with_communes(actor, values)
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
        organisation=_organisation(actor),
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
    author = _author_fields(by, author_name, author_email)
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
        organisation=_organisation(actor),
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
    _check_moderator(by, actor)
    before = actor_values(actor)
    before_status = actor.status
    if version.kind == VersionKind.CREATION:
        version.previous = {}
    else:
        version.previous = {k: before.get(k) for k in version.data}
        _apply(actor, version.data)
    version.status = VersionStatus.VALIDATED
    version.moderated_by = by if getattr(by, "pk", None) else None
    version.moderated_at = timezone.now()
    version.reason = reason.strip()
    version.save(update_fields=["status", "previous", "moderated_by", "moderated_at", "reason"])
    actor.status = _status_after_decision(actor, version)
    _save_with_communes(actor, version.data)
    after = actor_values(actor)
    audit.record(
        by,
        "directory.version.approved",
        actor,
        organisation=_organisation(actor),
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
        _on_commit_changed(actor)
    return version


@transaction.atomic
def refuse_version(version: ActorVersion, *, by, reason: str, source="web") -> ActorVersion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus à l'auteur·rice.")})
    version, actor = _lock_pending(version)
    _check_moderator(by, actor)
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
        organisation=_organisation(actor),
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
    _check_moderator(by, actor)
    if actor.status == ModerationStatus.REMOVED:
        raise ValidationError(_("Cet acteur est déjà supprimé."))
    before = actor.status
    actor.status = ModerationStatus.REMOVED
    actor.save(update_fields=["status", "updated_at"])
    audit.record(
        by,
        "directory.actor.removed",
        actor,
        organisation=_organisation(actor),
        changes={"status": [before, actor.status], "reason": [None, reason]},
        source=source,
    )
    transaction.on_commit(partial(events.actor_removed, actor))
    return actor


# --- claims ---------------------------------------------------------------------------------


def website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower() if url else ""
    return host[4:] if host.startswith("www.") else host


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower() if "@" in (email or "") else ""


@transaction.atomic
def claim_actor(actor: Actor, *, by, role_in_structure: str, source="web") -> ActorClaim:
    """A member of the structure asks to manage its profile. Verified at once when the user's
    e-mail domain is the domain of the actor's (validated) website; otherwise by a moderator."""
    role_in_structure = (role_in_structure or "").strip()[:200]
    if not role_in_structure:
        raise ValidationError({"role_in_structure": _("Indiquez votre fonction.")})
    if not perms.can_claim_actor(by, actor):
        raise ValidationError(_("Vous avez déjà demandé à gérer cette fiche."))
    domain = website_domain(actor.website)
    automatic = bool(domain) and email_domain(by.email) == domain
    claim = ActorClaim.objects.create(
        actor=actor,
        user=by,
        role_in_structure=role_in_structure,
        method=ClaimMethod.EMAIL_DOMAIN if automatic else ClaimMethod.MODERATOR,
        status=ClaimStatus.VERIFIED if automatic else ClaimStatus.PENDING,
        decided_at=timezone.now() if automatic else None,
    )
    audit.record(
        by,
        "directory.claim.created",
        actor,
        organisation=_organisation(actor),
        changes={"claim": [None, claim.pk], "claim_status": [None, claim.status]},
        source=source,
    )
    return claim


@transaction.atomic
def decide_claim(claim: ActorClaim, *, by, accept: bool, reason: str = "", source="web"):
    claim = (
        ActorClaim.objects.select_for_update(of=("self",)).select_related("actor").get(pk=claim.pk)
    )
    _check_moderator(by, claim.actor)
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    claim.status = ClaimStatus.VERIFIED if accept else ClaimStatus.REFUSED
    claim.decided_by = by if getattr(by, "pk", None) else None
    claim.decided_at = timezone.now()
    claim.reason = reason
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit.record(
        by,
        "directory.claim.verified" if accept else "directory.claim.refused",
        claim.actor,
        organisation=_organisation(claim.actor),
        changes={"claim_status": [ClaimStatus.PENDING, claim.status], "reason": [None, reason]},
        source=source,
    )
    transaction.on_commit(partial(notifications.send_claim_decision, claim.pk))
    return claim


# --- error reports --------------------------------------------------------------------------


@transaction.atomic
def report_error(actor: Actor, *, message: str, email: str = "", by=None, source="web"):
    message = (message or "").strip()
    if len(message) < 5:
        raise ValidationError({"message": _("Décrivez l'erreur en quelques mots.")})
    email = (email or "").strip() or (getattr(by, "email", "") or "")
    if email:
        validate_email(email)
    report = ErrorReport.objects.create(actor=actor, message=message[:5000], email=email)
    audit.record(
        by,
        "directory.error_report.created",
        actor,
        organisation=_organisation(actor),
        changes={"error_report": [None, report.pk]},
        source=source,
    )
    return report


@transaction.atomic
def close_report(report: ErrorReport, *, by, source="web") -> ErrorReport:
    report = (
        ErrorReport.objects.select_for_update(of=("self",))
        .select_related("actor")
        .get(pk=report.pk)
    )
    _check_moderator(by, report.actor)
    if report.closed_at:
        raise ValidationError(_("Ce signalement est déjà traité."))
    report.closed_at = timezone.now()
    report.closed_by = by if getattr(by, "pk", None) else None
    report.save(update_fields=["closed_at", "closed_by"])
    audit.record(
        by,
        "directory.error_report.closed",
        report.actor,
        organisation=_organisation(report.actor),
        changes={"error_report": [report.pk, None]},
        source=source,
    )
    return report


# --- custom fields --------------------------------------------------------------------------


@transaction.atomic
def create_custom_field(
    organisation, *, key, label, kind, by, choices=(), is_public=False, source="web"
) -> CustomField:
    if kind not in CustomFieldKind.values:
        raise ValidationError(_("Type de champ inconnu : %s") % kind)
    if kind == CustomFieldKind.CHOICE and not choices:
        raise ValidationError(_("Un champ à choix doit proposer au moins un choix."))
    if CustomField.objects.filter(organisation=organisation, key=key).exists():
        raise ValidationError(_("Ce champ existe déjà."))
    field = CustomField.objects.create(
        organisation=organisation,
        key=key,
        label=label,
        kind=kind,
        choices=list(choices),
        is_public=is_public,
    )
    audit.record(
        by,
        "directory.custom_field.created",
        field,
        organisation=organisation,
        changes={"label": [None, label], "kind": [None, kind], "is_public": [None, is_public]},
        source=source,
    )
    return field


def clean_custom_value(field: CustomField, raw):
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None
    if field.kind == CustomFieldKind.NUMBER:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValidationError({field.key: _("Saisissez un nombre.")}) from None
    if field.kind == CustomFieldKind.BOOLEAN:
        return text.lower() in ("1", "true", "oui", "on")
    if field.kind == CustomFieldKind.CHOICE and text not in field.choices:
        raise ValidationError({field.key: _("Choix invalide.")})
    if field.kind == CustomFieldKind.URL:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise ValidationError({field.key: _("Adresse web invalide.")}) from None
    return text[:2000]


@transaction.atomic
def set_custom_value(actor: Actor, field: CustomField, raw, *, by, source="web"):
    """Sets (or clears, with an empty value) an organisation's custom field on an actor."""
    if by is not None and not perms.can_edit_custom_values(by, field.organisation):
        raise PermissionDenied
    value = clean_custom_value(field, raw)
    current = CustomFieldValue.objects.filter(actor=actor, field=field).first()
    before = current.value if current else None
    if before == value:
        return current
    if value is None:
        current.delete()
        current = None
    elif current:
        current.value = value
        current.save(update_fields=["value"])
    else:
        current = CustomFieldValue.objects.create(actor=actor, field=field, value=value)
    audit.record(
        by,
        "directory.custom_value.set",
        actor,
        organisation=field.organisation,
        changes={f"custom:{field.organisation_id}:{field.key}": [before, value]},
        source=source,
    )
    return current


# --- PTCE -----------------------------------------------------------------------------------


@transaction.atomic
def add_ptce_member(ptce: Actor, member: Actor, *, by, since=None, source="web"):
    _check_moderator(by, ptce)
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
            organisation=_organisation(ptce),
            changes={"member": [None, member.slug]},
            source=source,
        )
        _on_commit_changed(ptce)
    return membership


@transaction.atomic
def remove_ptce_member(ptce: Actor, member: Actor, *, by, source="web") -> None:
    _check_moderator(by, ptce)
    deleted, _rows = PtceMembership.objects.filter(ptce=ptce, member=member).delete()
    if deleted:
        audit.record(
            by,
            "directory.ptce.member_removed",
            ptce,
            organisation=_organisation(ptce),
            changes={"member": [member.slug, None]},
            source=source,
        )
        _on_commit_changed(ptce)
