"""Claims of a profile by a member of the structure, and their decision."""

from functools import partial
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory import notifications, perms
from essor.directory.actions.common import check_moderator, organisation_of
from essor.directory.enums import (
    ClaimMethod,
    ClaimStatus,
)
from essor.directory.models import (
    Actor,
    ActorClaim,
)


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
        organisation=organisation_of(actor),
        changes={"claim": [None, claim.pk], "claim_status": [None, claim.status]},
        source=source,
    )
    return claim


@transaction.atomic
def decide_claim(claim: ActorClaim, *, by, accept: bool, reason: str = "", source="web"):
    claim = (
        ActorClaim.objects.select_for_update(of=("self",)).select_related("actor").get(pk=claim.pk)
    )
    check_moderator(by, claim.actor)
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
        organisation=organisation_of(claim.actor),
        changes={"claim_status": [ClaimStatus.PENDING, claim.status], "reason": [None, reason]},
        source=source,
    )
    transaction.on_commit(partial(notifications.send_claim_decision, claim.pk))
    return claim


# --- error reports --------------------------------------------------------------------------
