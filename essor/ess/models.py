"""External lists that qualify legal units as ESS, each kept as its own source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essor.ess.enums import ListKind, SiaeKind


class ListImport(models.Model):
    """One import of an external list (ESS France, ESUS, SIAE): file, checksum, counts."""

    kind = models.CharField(_("liste"), max_length=20)
    source = models.CharField(_("fichier source"), max_length=500)
    sha256 = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(_("date d'import"), auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_kept = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(_("lignes rejetées par motif"), default=dict)
    is_current = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("import de liste")
        verbose_name_plural = _("imports de listes")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.imported_at:%Y-%m-%d} ({self.rows_kept})"


class ListEntry(models.Model):
    """A SIREN present in a list (ESS France « liste des entreprises de l'ESS », ESUS)."""

    kind = models.CharField(_("liste"), max_length=20, choices=ListKind.choices)
    siren = models.CharField(_("SIREN"), max_length=9)
    name = models.CharField(_("nom dans la liste"), max_length=300, blank=True)
    list_import = models.ForeignKey(ListImport, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("entrée de liste")
        verbose_name_plural = _("entrées de listes")
        constraints = [models.UniqueConstraint(fields=["kind", "siren"], name="unique_list_siren")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.siren}"


class SiaeEntry(models.Model):
    """A structure d'insertion par l'activité économique (convention), from an ASP-format list."""

    siret = models.CharField(_("SIRET"), max_length=14)
    siren = models.CharField(_("SIREN"), max_length=9, db_index=True)
    kind = models.CharField(_("type de SIAE"), max_length=4, choices=SiaeKind.choices)
    name = models.CharField(_("dénomination"), max_length=300, blank=True)
    commune_name = models.CharField(_("commune"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    naf = models.CharField(_("code NAF"), max_length=6, blank=True)
    legal_form = models.CharField(_("nature juridique"), max_length=200, blank=True)
    list_import = models.ForeignKey(ListImport, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("SIAE")
        verbose_name_plural = _("SIAE")
        constraints = [models.UniqueConstraint(fields=["siret", "kind"], name="unique_siae")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.siret})"
