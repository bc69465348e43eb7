"""Writes on custom perimeters: check, write, audit — one function each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.territories.enums import CommuneKind
from essor.territories.models import Commune, CommuneAlias, Perimeter


def resolve_commune_codes(codes: list[str]) -> list[str]:
    """Sorted current commune codes for `codes`; arrondissements municipaux and old codes resolve
    to their current commune. Raises ValidationError naming the unknown codes."""
    wanted = {str(c).strip().upper() for c in codes if str(c).strip()}
    if not wanted:
        raise ValidationError(_("Un périmètre doit contenir au moins une commune."))
    resolved: dict[str, str] = {}
    rows = Commune.objects.filter(code__in=wanted).values_list("code", "kind", "parent_id")
    for code, kind, parent in rows:
        resolved[code] = parent if kind == CommuneKind.ARRONDISSEMENT and parent else code
    aliases = CommuneAlias.objects.filter(code__in=wanted - set(resolved))
    resolved.update(aliases.values_list("code", "commune_id"))
    unknown = sorted(wanted - set(resolved))
    if unknown:
        raise ValidationError(
            _("Code(s) de commune inconnu(s) : %(codes)s."), params={"codes": ", ".join(unknown)}
        )
    return sorted(set(resolved.values()))


def unique_slug(name: str) -> str:
    base = slugify(name)[:45] or "perimetre"
    slug, suffix = base, 2
    while Perimeter.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


@transaction.atomic
def create_perimeter(
    name: str, commune_codes: list[str], *, actor, organisation=None, description: str = ""
) -> Perimeter:
    """A named list of communes (contrat de ville, pays, bassin d'emploi…)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Le nom du périmètre est obligatoire."))
    codes = resolve_commune_codes(commune_codes)
    perimeter = Perimeter.objects.create(
        name=name, slug=unique_slug(name), description=description, organisation=organisation
    )
    perimeter.communes.set(codes)
    audit.record(
        actor,
        "territories.perimeter.created",
        perimeter,
        organisation=organisation,
        changes={"name": [None, name], "communes": [None, codes]},
    )
    return perimeter


@transaction.atomic
def update_perimeter_communes(
    perimeter: Perimeter, commune_codes: list[str], *, actor
) -> Perimeter:
    """Replaces the communes of `perimeter`; audits the codes added and removed."""
    codes = resolve_commune_codes(commune_codes)
    before = sorted(perimeter.communes.values_list("code", flat=True))
    if before == codes:
        return perimeter
    perimeter.communes.set(codes)
    audit.record(
        actor,
        "territories.perimeter.communes_updated",
        perimeter,
        organisation=perimeter.organisation,
        changes={
            "communes": [before, codes],
            "added": sorted(set(codes) - set(before)),
            "removed": sorted(set(before) - set(codes)),
        },
    )
    return perimeter
