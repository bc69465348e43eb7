"""E-mails to contributors about the fate of what they proposed. Always scheduled by the actions
with transaction.on_commit."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from essor.directory.models import ActorClaim, ActorVersion


def _send(subject: str, template: str, context: dict, to: str) -> None:
    if not to:
        return
    send_mail(subject, render_to_string(template, context), settings.DEFAULT_FROM_EMAIL, [to])


def version_recipient(version: ActorVersion) -> str:
    return version.author.email if version.author_id else version.author_email


def send_version_decision(version_pk: int) -> None:
    version = ActorVersion.objects.select_related("actor", "author").get(pk=version_pk)
    subject = _("Votre contribution sur « %(name)s » a été %(decision)s") % {
        "name": version.actor.name,
        "decision": _("acceptée") if version.status == "validated" else _("refusée"),
    }
    _send(
        subject,
        "directory/email/version_decision.txt",
        {"version": version, "actor": version.actor},
        version_recipient(version),
    )


def send_claim_decision(claim_pk: int) -> None:
    claim = ActorClaim.objects.select_related("actor", "user").get(pk=claim_pk)
    subject = _("Votre demande de gestion de la fiche « %(name)s »") % {"name": claim.actor.name}
    _send(
        subject,
        "directory/email/claim_decision.txt",
        {"claim": claim, "actor": claim.actor},
        claim.user.email,
    )
