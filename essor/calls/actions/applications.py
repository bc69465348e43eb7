"""Writes by applicants: start a draft, save it (optimistic lock), attach files, submit."""

import datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essor.accounts import audit
from essor.calls import notifications, uploads
from essor.calls.eligibility import eligibility_problems, structure_from_sirene
from essor.calls.enums import ApplicationState, CallStatus, FieldKind
from essor.calls.models import Application, ApplicationDocument, Call, FormField
from essor.calls.workflow import EDITABLE, apply_transition
from essor.lib.identifiers import is_valid_siret

DRAFT_FIELDS = [
    "structure_name",
    "declared_family",
    "declared_commune",
    "stage",
    "employees",
    "project_title",
    "amount_requested",
    "answers",
    "current_step",
]
STALE = gettext_lazy(
    "Cette candidature a été modifiée entre-temps (dans un autre onglet ou par une autre "
    "personne). Rechargez la page pour voir la dernière version."
)


def _check_open(call: Call, now=None) -> None:
    now = now or timezone.now()
    if call.status != CallStatus.PUBLISHED or now < call.opens_at:
        raise ValidationError(_("Cet appel n'est pas ouvert aux candidatures."))
    if now > call.closes_at:
        raise ValidationError(_("Cet appel est clos : la date limite de dépôt est passée."))


def _owner(application: Application, actor) -> None:
    if application.applicant_id != getattr(actor, "pk", None):
        raise ValidationError(_("Seul·e l'auteur·rice de la candidature peut la modifier."))


@transaction.atomic
def start_application(call: Call, *, siret: str, actor, structure_name: str = "", source="web"):
    """A new draft for the structure `siret`, or the applicant's existing draft for it."""
    siret = siret.replace(" ", "")
    if not is_valid_siret(siret):
        raise ValidationError(_("Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle)."))
    _check_open(call)
    existing = Application.objects.filter(
        call=call, applicant=actor, siret=siret, state=ApplicationState.DRAFT
    ).first()
    if existing:
        return existing
    known = structure_from_sirene(siret)
    name = structure_name.strip() or (known.name if known else "")
    application = Application.objects.create(
        call=call,
        applicant=actor,
        siret=siret,
        structure_name=name,
        declared_family=known.family if known else "",
        declared_commune=known.commune if known else "",
    )
    audit.record(
        actor,
        "calls.application.created",
        application,
        organisation=call.organisation,
        changes={"siret": [None, siret]},
        source=source,
    )
    return application


def _clean_answer(field: FormField, raw):
    value = "" if raw is None else str(raw).strip()
    if value == "" or field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return value
    if field.kind in (FieldKind.NUMBER, FieldKind.AMOUNT):
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValidationError({field.key: _("Saisissez un nombre.")}) from None
        return str(number)
    if field.kind == FieldKind.CHOICE:
        if value not in field.choices:
            raise ValidationError({field.key: _("Choix invalide.")})
        return value
    if field.kind == FieldKind.DATE:
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError({field.key: _("Date attendue au format AAAA-MM-JJ.")}) from None
    return value


def clean_answers(call: Call, answers: dict) -> dict:
    fields = {f.key: f for f in call.fields.exclude(kind=FieldKind.FILE)}
    return {
        key: _clean_answer(fields[key], value) for key, value in answers.items() if key in fields
    }


@transaction.atomic
def save_draft(
    application: Application, *, expected_version: int, actor, source: str = "web", **values
) -> Application:
    """Saves part of a draft. `expected_version` is the version the form was built from: if the
    application changed since, the save is refused (optimistic lock) instead of overwriting."""
    unknown = set(values) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(_("Champs non modifiables : %s") % ", ".join(sorted(unknown)))
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    _owner(locked, actor)
    if locked.state not in EDITABLE:
        raise ValidationError(_("Une candidature déposée ne peut plus être modifiée."))
    if locked.version != expected_version:
        raise ValidationError(STALE)
    if "answers" in values:
        values["answers"] = {**locked.answers, **clean_answers(locked.call, values["answers"])}
    before = audit.snapshot(locked, list(values))
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    locked.refresh_from_db(fields=["version"])
    changes = audit.diff(before, audit.snapshot(locked, list(values)))
    changes.pop("current_step", None)
    if changes:
        audit.record(
            actor,
            "calls.application.draft_saved",
            locked,
            organisation=locked.call.organisation,
            changes=changes,
            source=source,
        )
    return locked


@transaction.atomic
def attach_document(
    application: Application,
    uploaded,
    *,
    label: str,
    actor,
    field: FormField | None = None,
    source: str = "web",
) -> ApplicationDocument:
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    _owner(locked, actor)
    if locked.state not in EDITABLE:
        raise ValidationError(_("Une candidature déposée ne peut plus être modifiée."))
    data = uploads.read_upload(uploaded)
    content_type = uploads.check_content(data)
    stored_name, digest = uploads.store(data, content_type)
    document = ApplicationDocument.objects.create(
        application=locked,
        field=field,
        label=label,
        stored_name=stored_name,
        original_name=uploads.safe_name(uploaded.name),
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    audit.record(
        actor,
        "calls.document.attached",
        document,
        organisation=locked.call.organisation,
        changes={
            "label": [None, label],
            "content_type": [None, content_type],
            "size": [None, len(data)],
        },
        source=source,
    )
    return document


@transaction.atomic
def remove_document(document: ApplicationDocument, *, actor, source: str = "web") -> None:
    application = Application.objects.select_for_update().get(pk=document.application_id)
    _owner(application, actor)
    if application.state not in EDITABLE:
        raise ValidationError(_("Une candidature déposée ne peut plus être modifiée."))
    audit.record(
        actor,
        "calls.document.removed",
        document,
        organisation=application.call.organisation,
        changes={"label": [document.label, None]},
        source=source,
    )
    stored = document.stored_name
    document.delete()
    transaction.on_commit(lambda: uploads.path_of(stored).unlink(missing_ok=True))


@transaction.atomic
def submit_application(application: Application, *, actor, source: str = "web") -> Application:
    """Submits a draft. Accepted iff the server time is ≤ the call's closing time, read after the
    application and its call are locked, so a submission at the deadline gets one answer."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    call = Call.objects.select_for_update().get(pk=locked.call_id)
    locked.call = call
    _owner(locked, actor)
    if locked.state != ApplicationState.DRAFT:
        raise ValidationError(_("Cette candidature a déjà été déposée."))
    now = timezone.now()
    _check_open(call, now)
    problems = eligibility_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.submitted_at = now
    locked.save(update_fields=["submitted_at", "updated_at"])
    apply_transition(locked, ApplicationState.SUBMITTED, actor=actor, source=source)
    transaction.on_commit(partial(notifications.send_receipt, locked.pk))
    return locked
