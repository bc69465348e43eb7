"""An organisation's custom fields and their values on actors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory import perms
from essor.directory.enums import (
    CustomFieldKind,
)
from essor.directory.models import (
    Actor,
    CustomField,
    CustomFieldValue,
)


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
