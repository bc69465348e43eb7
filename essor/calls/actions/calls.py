"""Writes on calls, their form fields and the organisation's call settings."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.calls.enums import CallStatus, FieldKind, Stage
from essor.calls.models import Call, CallSettings, FormField
from essor.ess.enums import EssFamily
from essor.ess.themes import Theme
from essor.lib.identifiers import is_valid_siret

CALL_FIELDS = [
    "kind",
    "title",
    "description",
    "themes",
    "eligible_families",
    "eligible_stages",
    "max_employees",
    "envelope",
    "opens_at",
    "closes_at",
    "required_documents",
    "grid_version",
]


def default_grid_version(actor=None):
    """The current version of the instance's default grid (CSESS 2017), created if missing."""
    from essor.innovation.default_grid import ensure_default_grid

    return ensure_default_grid(actor=actor, source="web")


# First path segments of essor.calls.urls that a call's slug must not take.
RESERVED_SLUGS = {
    "compte",
    "subventions",
    "pieces",
    "mes-candidatures",
    "candidatures",
    "mes-evaluations",
    "gestion",
}


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "appel"
    if base in RESERVED_SLUGS:
        base = f"appel-{base}"
    slug, n = base, 2
    while Call.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_values(values: dict, organisation) -> None:
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise ValidationError(_("Champs non modifiables : %s") % ", ".join(sorted(unknown)))
    for name, choices in (
        ("themes", Theme.values),
        ("eligible_families", EssFamily.values),
        ("eligible_stages", Stage.values),
    ):
        if not set(values.get(name) or []) <= set(choices):
            raise ValidationError(_("Valeur inconnue dans « %s ».") % name)
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens and closes and closes <= opens:
        raise ValidationError(_("La clôture doit suivre l'ouverture."))
    if values.get("envelope") is not None and Decimal(values["envelope"]) < 0:
        raise ValidationError(_("L'enveloppe ne peut pas être négative."))
    version = values.get("grid_version")
    if version is not None and not version.is_frozen:
        raise ValidationError(_("La grille choisie n'est pas publiée."))
    owner = version.grid.organisation_id if version is not None else None
    if owner is not None and owner != organisation.pk:
        raise ValidationError(_("Cette grille appartient à une autre organisation."))


def _changes(values: dict) -> dict:
    return {
        k: [None, str(v) if not isinstance(v, (list, int, type(None))) else v]
        for k, v in values.items()
    }


@transaction.atomic
def create_call(organisation, *, actor, communes=(), source: str = "web", **values) -> Call:
    values.setdefault("grid_version", None)
    if values["grid_version"] is None:
        values["grid_version"] = default_grid_version(actor)
    _check_values(values, organisation)
    call = Call.objects.create(
        organisation=organisation,
        slug=_unique_slug(values["title"]),
        created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    call.communes.set([c.code if hasattr(c, "code") else c for c in communes])
    audit.record(
        actor,
        "calls.call.created",
        call,
        organisation=organisation,
        changes=_changes(values),
        source=source,
    )
    return call


@transaction.atomic
def update_call(call: Call, *, actor, communes=None, source: str = "web", **values) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.CLOSED:
        raise ValidationError(_("Un appel clos ne peut plus être modifié."))
    if "grid_version" in values and values["grid_version"] is None:
        values["grid_version"] = default_grid_version(actor)
    if call.status == CallStatus.PUBLISHED and "grid_version" in values:
        if values["grid_version"] != call.grid_version:
            raise ValidationError(_("La grille d'un appel publié ne peut plus changer."))
    _check_values(
        {"opens_at": call.opens_at, "closes_at": call.closes_at, **values}, call.organisation
    )
    before = audit.snapshot(call, list(values))
    for name, value in values.items():
        setattr(call, name, value)
    call.save(update_fields=[*values, "updated_at"])
    if communes is not None:
        call.communes.set([c.code if hasattr(c, "code") else c for c in communes])
    changes = audit.diff(before, audit.snapshot(call, list(values)))
    audit.record(
        actor,
        "calls.call.updated",
        call,
        organisation=call.organisation,
        changes=changes,
        source=source,
    )
    return call


@transaction.atomic
def add_form_field(
    call: Call,
    *,
    label: str,
    kind: str,
    actor,
    required: bool = False,
    choices=(),
    help: str = "",
    source: str = "web",
) -> FormField:
    if kind not in FieldKind.values:
        raise ValidationError(_("Type de champ inconnu : %s") % kind)
    if kind == FieldKind.CHOICE and not choices:
        raise ValidationError(_("Un champ à choix doit proposer au moins un choix."))
    if call.status != CallStatus.DRAFT:
        raise ValidationError(_("Le formulaire d'un appel publié ne peut plus changer."))
    last = call.fields.order_by("-position").values_list("position", flat=True).first()
    field = FormField.objects.create(
        call=call,
        label=label,
        kind=kind,
        required=required,
        choices=list(choices),
        help=help,
        position=0 if last is None else last + 1,
    )
    audit.record(
        actor,
        "calls.form_field.added",
        field,
        organisation=call.organisation,
        changes={"label": [None, label], "kind": [None, kind]},
        source=source,
    )
    return field


@transaction.atomic
def publish_call(call: Call, *, actor, source: str = "web") -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.DRAFT:
        raise ValidationError(_("Seul un appel en brouillon peut être publié."))
    if call.grid_version is None or not call.grid_version.is_frozen:
        raise ValidationError(_("Choisissez une grille d'évaluation publiée avant de publier."))
    if call.closes_at <= timezone.now():
        raise ValidationError(_("La date de clôture est déjà passée."))
    call.status = CallStatus.PUBLISHED
    call.published_at = timezone.now()
    call.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor,
        "calls.call.published",
        call,
        organisation=call.organisation,
        changes={"status": [CallStatus.DRAFT, CallStatus.PUBLISHED]},
        source=source,
    )
    return call


@transaction.atomic
def close_call(call: Call, *, actor, source: str = "web") -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.PUBLISHED:
        raise ValidationError(_("Seul un appel publié peut être clos."))
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status", "updated_at"])
    audit.record(
        actor,
        "calls.call.closed",
        call,
        organisation=call.organisation,
        changes={"status": [CallStatus.PUBLISHED, CallStatus.CLOSED]},
        source=source,
    )
    return call


@transaction.atomic
def save_call_settings(
    organisation, *, official_name: str, siret: str, actor, source: str = "web"
) -> CallSettings:
    siret = siret.replace(" ", "")
    if not is_valid_siret(siret):
        raise ValidationError(_("Le SIRET de l'attribuant n'est pas valide."))
    current = CallSettings.objects.filter(organisation=organisation).first()
    before = {"official_name": None, "siret": None}
    if current:
        before = {"official_name": current.official_name, "siret": current.siret}
    item, _created = CallSettings.objects.update_or_create(
        organisation=organisation, defaults={"official_name": official_name, "siret": siret}
    )
    changes = audit.diff(before, {"official_name": official_name, "siret": siret})
    audit.record(
        actor,
        "calls.settings.saved",
        item,
        organisation=organisation,
        changes=changes,
        source=source,
    )
    return item
