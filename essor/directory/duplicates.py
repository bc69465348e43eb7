"""Duplicate detection and merge.

Two actors are probably the same when they share a SIREN (or SIRET), or when their normalised
names (lowercase, accents stripped, legal-form words such as « association », « sas », « scop »
removed) are at least 85 % similar (difflib ratio) in the same commune. Candidates are shown to
the moderator who validates a new actor; `merge_actors` keeps one and marks the other DUPLICATE.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory import events, notifications
from essor.directory.actions.common import check_moderator, organisation_of
from essor.directory.enums import ModerationStatus, VersionKind, VersionStatus
from essor.directory.models import (
    Actor,
    ActorClaim,
    ActorVersion,
    CustomFieldValue,
    ErrorReport,
    PtceMembership,
)
from essor.directory.models.actors import CONTRIBUTED_FIELDS
from essor.sirene.models import Establishment, ImportRun

THRESHOLD = 0.85
LEGAL_FORM_WORDS = {
    "association",
    "asso",
    "assoc",
    "sas",
    "sasu",
    "sarl",
    "sa",
    "eurl",
    "scop",
    "scic",
    "sci",
    "cooperative",
    "coop",
    "mutuelle",
    "fondation",
    "fonds",
    "dotation",
    "gie",
    "ess",
    "loi",
    "1901",
    "l",
    "la",
    "le",
    "les",
    "de",
    "des",
    "du",
    "d",
    "et",
}
SCALAR_FIELDS = [f for f in CONTRIBUTED_FIELDS if f not in ("intervention_communes", "commune")]
LIVE = ~Q(status__in=[ModerationStatus.DUPLICATE, ModerationStatus.REMOVED, "refused"])


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in LEGAL_FORM_WORDS)


def similarity(a: str, b: str) -> float:
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right).ratio()


@dataclass
class Candidate:
    """A probable duplicate: an actor row, or a Sirene legal unit without row (`actor` None)."""

    slug: str
    name: str
    reason: str
    score: float
    actor: Actor | None = None


def _close_name(score: float) -> str:
    return _("nom proche (%(score)d %%) dans la même commune") % {"score": round(score * 100)}


def _commune_codes(actor: Actor) -> list[str]:
    if actor.commune_id is None:
        return []
    parent = getattr(actor.commune, "parent_id", None)
    return [actor.commune_id, parent] if parent else [actor.commune_id]


def _sirene_candidates(actor: Actor, known: set[str]) -> list[Candidate]:
    """ESS legal units of the current import with an establishment in the actor's commune and a
    close name (the database narrows on the longest word of the normalised name)."""
    run = ImportRun.objects.current()
    words = sorted((w for w in normalise_name(actor.name).split() if len(w) >= 4), key=len)
    codes = _commune_codes(actor)
    if run is None or not words or not codes:
        return []
    rows = (
        Establishment.objects.filter(run=run, commune_code__in=codes)
        .filter(Q(name__icontains=words[-1]) | Q(enseigne__icontains=words[-1]))
        .exclude(siren__in=known)
        .values_list("siren", "name", "enseigne")[:500]
    )
    best: dict[str, Candidate] = {}
    for siren, name, enseigne in rows:
        for label in (name, enseigne):
            score = similarity(actor.name, label) if label else 0.0
            if score >= THRESHOLD and (siren not in best or score > best[siren].score):
                best[siren] = Candidate(siren, label, _close_name(score) + " (Sirene)", score)
    return list(best.values())


def find_duplicates(actor: Actor, limit: int = 10) -> list[Candidate]:
    """Probable duplicates of `actor`, best first: live actors with the same SIREN/SIRET or a
    close name in the same commune, and Sirene legal units (without row yet) with the same
    SIREN or a close name in the same commune."""
    found: dict[int, Candidate] = {}
    others = Actor.objects.filter(LIVE).exclude(pk=actor.pk)
    same_id = Q()
    if actor.siren:
        same_id |= Q(siren=actor.siren)
    if actor.siret:
        same_id |= Q(siret=actor.siret)
    if same_id:
        for other in others.filter(same_id):
            reason = (
                _("même SIRET") if actor.siret and other.siret == actor.siret else _("même SIREN")
            )
            found[other.pk] = Candidate(other.slug, other.name, reason, 1.0, other)
    if actor.commune_id:
        for other in others.filter(commune_id=actor.commune_id).exclude(pk__in=list(found)):
            score = similarity(actor.name, other.name)
            if score >= THRESHOLD:
                found[other.pk] = Candidate(
                    other.slug, other.name, _close_name(score), score, other
                )
    known = set(Actor.objects.filter(LIVE).exclude(siren="").values_list("siren", flat=True))
    candidates = list(found.values()) + _sirene_candidates(actor, known)
    return sorted(candidates, key=lambda c: (-c.score, c.name))[:limit]


def _move_related(keep: Actor, duplicate: Actor) -> dict:
    moved = {}
    moved["versions"] = ActorVersion.objects.filter(actor=duplicate).update(actor=keep)
    moved["claims"] = ActorClaim.objects.filter(actor=duplicate).update(actor=keep)
    moved["error_reports"] = ErrorReport.objects.filter(actor=duplicate).update(actor=keep)
    kept_fields = set(keep.custom_values.values_list("field_id", flat=True))
    moved["custom_values"] = (
        CustomFieldValue.objects.filter(actor=duplicate)
        .exclude(field_id__in=kept_fields)
        .update(actor=keep)
    )
    for link in PtceMembership.objects.filter(member=duplicate):
        if link.ptce_id != keep.pk:
            PtceMembership.objects.get_or_create(ptce_id=link.ptce_id, member=keep)
    for link in PtceMembership.objects.filter(ptce=duplicate):
        if link.member_id != keep.pk:
            PtceMembership.objects.get_or_create(ptce=keep, member_id=link.member_id)
    PtceMembership.objects.filter(Q(member=duplicate) | Q(ptce=duplicate)).delete()
    return moved


@transaction.atomic
def merge_actors(keep: Actor, duplicate: Actor, by, *, source: str = "web") -> Actor:
    """Keeps `keep`; `duplicate` becomes DUPLICATE (duplicate_of=keep). Its versions, claims,
    error reports, custom values and PTCE links move to `keep`; the contributed fields `keep`
    leaves empty take the duplicate's values (the moderator who merges vouches for them). A pending creation of the duplicate is
    refused (its author is told why). Both keep their history; the merge is audited on both."""
    keep = Actor.objects.select_for_update().get(pk=keep.pk)
    duplicate = Actor.objects.select_for_update().get(pk=duplicate.pk)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Un acteur ne peut pas être fusionné avec lui-même."))
    for actor in (keep, duplicate):
        if actor.status in (ModerationStatus.DUPLICATE, ModerationStatus.REMOVED):
            raise ValidationError(_("« %s » n'est plus actif dans l'annuaire.") % actor.name)
    check_moderator(by, keep)
    check_moderator(by, duplicate)
    duplicate_was = duplicate.status
    refused = list(
        duplicate.versions.filter(kind=VersionKind.CREATION, status=VersionStatus.PENDING)
    )
    for version in refused:
        version.status = VersionStatus.REFUSED
        version.moderated_by = by if getattr(by, "pk", None) else None
        version.moderated_at = timezone.now()
        version.reason = _("Cet acteur figure déjà dans l'annuaire : « %s ».") % keep.name
        version.save(update_fields=["status", "moderated_by", "moderated_at", "reason"])
    duplicate.status = ModerationStatus.DUPLICATE
    duplicate.duplicate_of = keep
    duplicate.save(update_fields=["status", "duplicate_of", "updated_at"])
    before = {name: getattr(keep, name) for name in [*SCALAR_FIELDS, "siren", "siret"]}
    before["commune"] = keep.commune_id
    filled = {}
    for name in [*SCALAR_FIELDS, "siren", "siret"]:
        if getattr(keep, name) in ("", None, []) and getattr(duplicate, name) not in ("", None, []):
            setattr(keep, name, getattr(duplicate, name))
            filled[name] = [before[name], getattr(keep, name)]
    if keep.commune_id is None and duplicate.commune_id:
        keep.commune_id = duplicate.commune_id
        filled["commune"] = [None, keep.commune_id]
    if not keep.intervention_communes.exists():
        keep.intervention_communes.set(duplicate.intervention_communes.all())
    moved = _move_related(keep, duplicate)
    if (
        keep.status == ModerationStatus.VALIDATED
        and keep.versions.filter(status=VersionStatus.PENDING).exists()
    ):
        keep.status = ModerationStatus.MODIFIED_PENDING
    keep.save()
    audit.record(
        by,
        "directory.actor.merged",
        keep,
        organisation=organisation_of(keep),
        changes={**filled, "merged": [None, duplicate.slug], "moved": [None, moved]},
        source=source,
    )
    audit.record(
        by,
        "directory.actor.marked_duplicate",
        duplicate,
        organisation=organisation_of(duplicate),
        changes={
            "status": [duplicate_was, ModerationStatus.DUPLICATE],
            "duplicate_of": [None, keep.slug],
        },
        source=source,
    )
    for version in refused:
        transaction.on_commit(partial(notifications.send_version_decision, version.pk))
    transaction.on_commit(partial(events.actor_removed, duplicate))
    transaction.on_commit(partial(events.actor_changed, keep))
    return keep
