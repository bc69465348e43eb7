"""E-mails to applicants and reviewers. Always scheduled with transaction.on_commit by actions."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from essor.calls.models import Application, Grant


def _send(subject: str, template: str, context: dict, to: str) -> None:
    body = render_to_string(template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_receipt(application_pk: int) -> None:
    application = Application.objects.select_related("call", "applicant").get(pk=application_pk)
    subject = _("Accusé de réception — %(ref)s") % {"ref": application.reference}
    _send(
        subject,
        "calls/email/receipt.txt",
        {"application": application},
        application.applicant.email,
    )


def send_decision(application_pk: int) -> None:
    application = Application.objects.select_related("call", "applicant").get(pk=application_pk)
    subject = _("Décision sur votre candidature %(ref)s") % {"ref": application.reference}
    _send(
        subject,
        "calls/email/decision.txt",
        {"application": application},
        application.applicant.email,
    )


def send_message_notice(message_pk: int) -> None:
    """Tells the applicant that the instructing team wrote (the body stays on the site)."""
    from essor.calls.models import Message

    message = Message.objects.select_related("application__call", "application__applicant").get(
        pk=message_pk
    )
    application = message.application
    subject = _("Nouveau message sur votre candidature %(ref)s") % {"ref": application.reference}
    _send(
        subject,
        "calls/email/message.txt",
        {"application": application},
        application.applicant.email,
    )


def send_reviewer_assigned(application_pk: int, email: str) -> None:
    application = Application.objects.select_related("call").get(pk=application_pk)
    subject = _("Candidature à évaluer — %(ref)s") % {"ref": application.reference}
    _send(subject, "calls/email/assigned.txt", {"application": application}, email)


def send_grant_reminder(grant: Grant, items: list[str]) -> None:
    subject = _("Échéances de votre subvention — %(ref)s") % {"ref": grant.application.reference}
    context = {"grant": grant, "items": items}
    _send(subject, "calls/email/reminder.txt", context, grant.application.applicant.email)
