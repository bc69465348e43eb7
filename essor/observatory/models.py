"""Pre-aggregated indicators of the current Sirene import, and the editable thematic fields.

`IndicatorBlock` holds, for one import run, one perimeter (statistique / loi 2014) and one
territory (commune, arrondissement municipal — kind "commune" with its own code —, EPCI,
département, région, QPV, France), the measures of every (dimension, key) — e.g. ("family",
"association"), ("division", "88") — and its largest employers. `essor indicators compute`
(essor.observatory.compute) writes them; essor.observatory.read builds a Portrait from one of
them (a few for a custom perimeter). Blocks belong to their ImportRun: an import switch keeps
figures and detail consistent, and the blocks of older runs are deleted by the next compute.

Like the Sirene tables, the bulk-written tables have no database constraint on `run`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from essor.ess.themes import Theme
from essor.sirene.models import ImportRun


class IndicatorBlock(models.Model):
    """Every cell of one territory in one perimeter, packed in one row.

    `cells` is a JSON array of [dimension, key, establishments, employer establishments,
    estimated employees, without tranche] (see essor.observatory.assemble for the dimensions);
    `top` a JSON array of the ten largest employers [siret, name, commune, tranche]. The
    territory's total, its all-establishment economy and its QPV counts are also plain columns,
    so that a parent's sub-territories (the communes of a département…) and the QPV of a
    territory are read without decoding anyone's cells.

    One row per (territory, perimeter) rather than one per cell: about 80 000 rows per import
    instead of millions, written in a few seconds (the cells of a 10 M-establishment import
    took longer to write than to compute, see docs/performance.md)."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    perimeter = models.CharField(max_length=12)
    territory_kind = models.CharField(max_length=12)
    territory_code = models.CharField(max_length=12)
    establishments = models.IntegerField(default=0)
    employer_establishments = models.IntegerField(default=0)
    estimated_employees = models.FloatField(default=0.0)
    without_band = models.IntegerField(default=0)
    economy_establishments = models.IntegerField(null=True)
    economy_employer_establishments = models.IntegerField(null=True)
    economy_estimated_employees = models.FloatField(null=True)
    economy_without_band = models.IntegerField(null=True)
    qpv_inside = models.IntegerField(default=0)
    qpv_near = models.IntegerField(default=0)
    cells = models.TextField(default="[]")
    top = models.TextField(default="[]")

    class Meta:
        verbose_name = _("indicateurs d'un territoire")
        verbose_name_plural = _("indicateurs des territoires")
        indexes = [
            models.Index(
                fields=["run", "perimeter", "territory_kind", "territory_code"],
                name="observatory_block_lookup",
            )
        ]


class IndicatorSet(models.Model):
    """The indicators computed for one import run: when, how long, and whether the thematic
    fields changed since (then `stale`: the fields are read from the detail tables)."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="indicators")
    computed_at = models.DateTimeField(_("calculés le"), auto_now=True)
    cells = models.PositiveIntegerField(_("cellules"), default=0)
    step_durations = models.JSONField(_("durée par étape (s)"), default=dict)
    stale = models.BooleanField(_("champs thématiques modifiés depuis le calcul"), default=False)

    class Meta:
        verbose_name = _("calcul des indicateurs")
        verbose_name_plural = _("calculs des indicateurs")

    def __str__(self) -> str:
        return f"Indicateurs de l'import n° {self.run_id}"


def mark_stale() -> None:
    """The thematic fields changed: pre-computed field figures are outdated."""
    IndicatorSet.objects.filter(stale=False).update(stale=True)


def validate_naf_prefix(value: str) -> None:
    from essor.nomenclatures.loader import naf_label

    value = (value or "").strip()
    if len(value) < 2 or not value[:2].isdigit() or not naf_label(value):
        raise ValidationError(
            _("%(code)s n'est pas un code NAF rév. 2 (division « 38 » à sous-classe « 47.79Z »)."),
            params={"code": value},
        )


class ThemeNafCode(models.Model):
    """A NAF rév. 2 code (division, group, class or sub-class, dotted form) whose establishments
    belong to a thematic field. Seeded from essor.observatory.themes.DEFAULT_THEME_NAF."""

    theme = models.CharField(_("champ thématique"), max_length=30, choices=Theme.choices)
    naf = models.CharField(
        _("code NAF"),
        max_length=6,
        validators=[validate_naf_prefix],
        help_text=_("Division (38), groupe (33.1), classe (47.11) ou sous-classe (47.79Z)."),
    )
    note = models.CharField(_("justification"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("code NAF d'un champ thématique")
        verbose_name_plural = _("codes NAF des champs thématiques")
        ordering = ["theme", "naf"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "naf"], name="observatory_theme_naf_unique")
        ]

    def __str__(self) -> str:
        return f"{Theme(self.theme).label} : {self.naf}"

    def save(self, *args, **kwargs):
        self.naf = (self.naf or "").strip().upper()
        super().save(*args, **kwargs)
        mark_stale()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        mark_stale()
        return result


class ThemeTag(models.Model):
    """A manual tag: every establishment of the legal unit `siren` belongs to `theme`.
    Created and removed only through essor.observatory.actions (audited)."""

    siren = models.CharField(_("SIREN"), max_length=9)
    theme = models.CharField(_("champ thématique"), max_length=30, choices=Theme.choices)
    note = models.CharField(_("justification"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("étiquette thématique")
        verbose_name_plural = _("étiquettes thématiques")
        ordering = ["theme", "siren"]
        constraints = [
            models.UniqueConstraint(fields=["siren", "theme"], name="observatory_theme_tag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.siren} → {Theme(self.theme).label}"
