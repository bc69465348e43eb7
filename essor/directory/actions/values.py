"""Contributed values: limits, cleaning, applying them to an actor."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from essor.directory.enums import (
    ActorKind,
    Label,
    LifeStage,
)
from essor.directory.models import (
    Actor,
)
from essor.directory.models.actors import CONTRIBUTED_FIELDS
from essor.ess.themes import Theme
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


def apply_values(actor: Actor, values: dict) -> None:
    """Writes contributed values on the row (the caller saves and audits)."""
    for name, value in values.items():
        if name == "commune":
            actor.commune_id = value or None
        elif name != "intervention_communes":
            setattr(actor, name, value)


def save_with_communes(actor: Actor, values: dict) -> None:
    actor.save()
    if "intervention_communes" in values:
        actor.intervention_communes.set(values["intervention_communes"])
