"""Writes on the thematic fields of the observatory: manual tags (ThemeTag) and the NAF codes of
each field (ThemeNafCode). Check, write, audit (essor.accounts.audit), mark the pre-computed
indicators stale — their fields are then read from the detail tables until `essor indicators
compute` (essor.observatory.read)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.ess.themes import Theme
from essor.lib.identifiers import is_valid_siren
from essor.observatory.models import ThemeNafCode, ThemeTag, mark_stale, validate_naf_prefix

TAG_FIELDS = ["siren", "theme", "note"]
NAF_FIELDS = ["theme", "naf", "note"]


def _check_theme(theme: str) -> None:
    if theme not in Theme.values:
        raise ValidationError(_("Champ thématique inconnu : %(theme)s") % {"theme": theme})


@transaction.atomic
def tag_legal_unit(
    siren: str, theme: str, *, actor, note: str = "", source: str = "web"
) -> ThemeTag:
    """Puts every establishment of the legal unit `siren` in the field `theme`."""
    siren = (siren or "").replace(" ", "").strip()
    if not is_valid_siren(siren):
        raise ValidationError(_("SIREN invalide : %(siren)s") % {"siren": siren})
    _check_theme(theme)
    if ThemeTag.objects.filter(siren=siren, theme=theme).exists():
        raise ValidationError(_("Cette unité légale porte déjà cette étiquette."))
    tag = ThemeTag.objects.create(
        siren=siren,
        theme=theme,
        note=note[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    after = audit.snapshot(tag, TAG_FIELDS)
    audit.record(
        actor, "observatory.theme_tag.created", tag, changes=audit.diff({}, after), source=source
    )
    mark_stale()
    return tag


@transaction.atomic
def untag_legal_unit(tag: ThemeTag, *, actor, source: str = "web") -> None:
    before = audit.snapshot(tag, TAG_FIELDS)
    audit.record(
        actor, "observatory.theme_tag.deleted", tag, changes=audit.diff(before, {}), source=source
    )
    tag.delete()
    mark_stale()


@transaction.atomic
def add_theme_naf(
    theme: str, naf: str, *, actor, note: str = "", source: str = "web"
) -> ThemeNafCode:
    """Adds a NAF code (division to sub-class) to a thematic field."""
    _check_theme(theme)
    naf = (naf or "").strip().upper()
    validate_naf_prefix(naf)
    if ThemeNafCode.objects.filter(theme=theme, naf=naf).exists():
        raise ValidationError(_("Ce code est déjà dans ce champ."))
    code = ThemeNafCode.objects.create(theme=theme, naf=naf, note=note[:300])
    after = audit.snapshot(code, NAF_FIELDS)
    audit.record(
        actor, "observatory.theme_naf.created", code, changes=audit.diff({}, after), source=source
    )
    return code


@transaction.atomic
def remove_theme_naf(code: ThemeNafCode, *, actor, source: str = "web") -> None:
    before = audit.snapshot(code, NAF_FIELDS)
    audit.record(
        actor, "observatory.theme_naf.deleted", code, changes=audit.diff(before, {}), source=source
    )
    code.delete()
