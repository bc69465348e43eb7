"""Import batches, external sources with their run log, and saved searches.

An `ImportBatch` keeps the uploaded file (outside the web root, under a random name), its mapping
and the computed preview: confirming writes exactly the previewed rows, never a recomputation.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from essor.directory.exchange.enums import (
    AlertFrequency,
    BatchKind,
    BatchStatus,
    ConflictPolicy,
    RunStatus,
    SourceFormat,
    SourceFrequency,
)


class ImportBatch(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_imports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        "ExternalSource",
        verbose_name=_("source externe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
    )
    kind = models.CharField(_("nature"), max_length=12, choices=BatchKind.choices)
    status = models.CharField(
        _("statut"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    file_name = models.CharField(_("nom du fichier"), max_length=200)
    stored_name = models.CharField(_("fichier stocké"), max_length=100, blank=True)
    file_format = models.CharField(_("format"), max_length=10)  # csv, xlsx, json
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))
    encoding = models.CharField(_("encodage"), max_length=20, blank=True)
    delimiter = models.CharField(_("séparateur"), max_length=3, blank=True)
    columns = models.JSONField(_("colonnes du fichier"), default=list, blank=True)
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    conflict_policy = models.CharField(
        _("en cas de conflit"),
        max_length=10,
        choices=ConflictPolicy.choices,
        default=ConflictPolicy.KEEP,
    )
    preview = models.JSONField(_("aperçu"), default=list, blank=True)
    counts = models.JSONField(_("comptes"), default=dict, blank=True)
    # For sources: validated by the importing moderator (upload) or pending moderation (refresh).
    validate = models.BooleanField(_("validé à l'import"), default=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    result = models.JSONField(_("résultat de l'écriture"), default=dict, blank=True)
    applied = models.PositiveIntegerField(_("lignes de l'aperçu déjà traitées"), default=0)

    class Meta:
        verbose_name = _("import dans l'annuaire")
        verbose_name_plural = _("imports dans l'annuaire")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import n° {self.pk} — {self.file_name}"

    @property
    def source_label(self) -> str:
        """The `source` written on actors and audit entries."""
        return f"import:{self.pk}"


class ExternalSource(models.Model):
    """A directory elsewhere (a GoGoCarto map, a network's published CSV) refreshed on a schedule;
    its changes arrive as pending versions for the moderators."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_sources"
    )
    name = models.CharField(_("nom"), max_length=200)
    url = models.URLField(_("adresse"), max_length=500)
    format = models.CharField(_("format"), max_length=10, choices=SourceFormat.choices)
    mapping = models.JSONField(_("correspondance des colonnes (CSV)"), default=dict, blank=True)
    frequency = models.CharField(
        _("fréquence"),
        max_length=10,
        choices=SourceFrequency.choices,
        default=SourceFrequency.WEEKLY,
    )
    active = models.BooleanField(_("active"), default=True)
    last_checksum = models.CharField(max_length=64, blank=True)
    last_run_at = models.DateTimeField(_("dernier passage"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source externe de l'annuaire")
        verbose_name_plural = _("sources externes de l'annuaire")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceRun(models.Model):
    """One refresh of an external source: what was fetched and what it proposed."""

    source = models.ForeignKey(ExternalSource, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(_("début"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=RunStatus.choices)
    size = models.PositiveIntegerField(_("octets reçus"), default=0)
    checksum = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(_("comptes"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("passage d'une source externe")
        verbose_name_plural = _("passages des sources externes")
        ordering = ["-started_at", "-id"]


class SavedSearch(models.Model):
    """A search of the directory kept by a user, with an e-mail when its results change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_searches"
    )
    name = models.CharField(_("nom de la recherche"), max_length=200)
    query = models.CharField(_("critères (paramètres de la recherche)"), max_length=2000)
    frequency = models.CharField(
        _("fréquence des alertes"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.WEEKLY,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_run = models.DateTimeField(_("dernière alerte"), null=True, blank=True)
    # {actor key: short hash of its public fields} at the last run.
    last_seen = models.JSONField(default=dict, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
