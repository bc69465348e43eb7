"""Sirene data as the import pipeline writes it.

Every row belongs to an ImportRun. Pages only read the rows of the current run (the one flagged
`is_current`); a new import writes its rows under a new run and flips the flag in one transaction,
so a failed or interrupted import never shows and never touches the previous data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Réussi")
    FAILED = "failed", _("Échoué")
    REFUSED = "refused", _("Refusé")


class ImportRunQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True).first()


class ImportRun(models.Model):
    """One `essor sirene import`: sources, checksums, counts per reason, durations per step."""

    started_at = models.DateTimeField(_("début"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    is_current = models.BooleanField(_("données en ligne"), default=False, db_index=True)
    is_synthetic = models.BooleanField(_("données synthétiques"), default=False)
    forced = models.BooleanField(_("forcé (--force)"), default=False)
    sources = models.JSONField(
        _("fichiers sources"), default=list, help_text="[{role, path, size, sha256, format}]"
    )
    data_date = models.DateField(_("date des données"), null=True, blank=True)
    format_version = models.CharField(_("format des établissements"), max_length=20, blank=True)
    legal_units_read = models.BigIntegerField(_("unités légales lues"), default=0)
    legal_units_kept = models.BigIntegerField(_("unités légales ESS gardées"), default=0)
    establishments_read = models.BigIntegerField(_("établissements lus"), default=0)
    establishments_kept = models.BigIntegerField(_("établissements ESS gardés"), default=0)
    rejected = models.JSONField(_("lignes rejetées par motif"), default=dict)
    unknown_communes = models.JSONField(_("codes commune inconnus (code: nombre)"), default=dict)
    step_durations = models.JSONField(_("durée par étape (s)"), default=dict)
    rejects_file = models.CharField(_("fichier des rejets"), max_length=500, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import Sirene")
        verbose_name_plural = _("imports Sirene")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import Sirene n° {self.pk} du {self.started_at:%d/%m/%Y %H:%M} ({self.status})"


class CurrentRunQuerySet(models.QuerySet):
    def current(self):
        return self.filter(run__is_current=True)


# Bulk-loaded tables: every foreign key to the run (and to the legal unit) is guaranteed by the
# import, which writes whole runs, so there is no database constraint (a per-row check) and no
# index beyond what pages read: each `(run, …)` index also serves the deletes by run.


class LegalUnit(models.Model):
    """A legal unit in either ESS perimeter, with each qualification source kept apart."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    siren = models.CharField(_("SIREN"), max_length=9, db_comment="siren")
    diffusion = models.CharField(
        _("statut de diffusion"), max_length=1, db_comment="statutDiffusionUniteLegale"
    )
    name = models.CharField(
        _("dénomination"), max_length=300, blank=True, db_comment="denominationUniteLegale"
    )
    usual_name = models.CharField(
        _("dénomination usuelle"),
        max_length=300,
        blank=True,
        db_comment="denominationUsuelle1UniteLegale",
    )
    sigle = models.CharField(_("sigle"), max_length=100, blank=True, db_comment="sigleUniteLegale")
    legal_category = models.CharField(
        _("catégorie juridique"), max_length=4, db_comment="categorieJuridiqueUniteLegale"
    )
    naf = models.CharField(
        _("activité principale"),
        max_length=6,
        blank=True,
        db_comment="activitePrincipaleUniteLegale",
    )
    naf_nomenclature = models.CharField(
        max_length=8, blank=True, db_comment="nomenclatureActivitePrincipaleUniteLegale"
    )
    workforce_band = models.CharField(
        _("tranche d'effectif"), max_length=2, blank=True, db_comment="trancheEffectifsUniteLegale"
    )
    workforce_year = models.PositiveSmallIntegerField(
        _("année de la tranche"), null=True, db_comment="anneeEffectifsUniteLegale"
    )
    employer = models.BooleanField(
        _("employeur"), null=True, db_comment="caractereEmployeurUniteLegale"
    )
    state = models.CharField(
        _("état administratif"), max_length=1, db_comment="etatAdministratifUniteLegale"
    )
    created_on = models.DateField(
        _("date de création"), null=True, db_comment="dateCreationUniteLegale"
    )
    rna = models.CharField(
        _("identifiant RNA"),
        max_length=10,
        blank=True,
        db_comment="identifiantAssociationUniteLegale",
    )
    head_office_nic = models.CharField(
        _("NIC du siège"), max_length=5, blank=True, db_comment="nicSiegeUniteLegale"
    )
    # Qualification sources, kept separately.
    sirene_ess_flag = models.CharField(
        _("indicateur ESS Sirene"),
        max_length=1,
        blank=True,
        db_comment="economieSocialeSolidaireUniteLegale",
    )
    in_ess_france_list = models.BooleanField(_("liste ESS France"), default=False)
    esus = models.BooleanField(_("agrément ESUS"), default=False)
    siae_kind = models.CharField(_("type de SIAE"), max_length=4, blank=True)
    family = models.CharField(_("famille ESS (catégorie juridique)"), max_length=12)
    in_statistique = models.BooleanField(_("périmètre statistique"))
    in_loi2014 = models.BooleanField(_("périmètre loi 2014"))

    objects = CurrentRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("unité légale ESS")
        verbose_name_plural = _("unités légales ESS")
        indexes = [models.Index(fields=["run", "siren"])]

    def __str__(self) -> str:
        return f"{self.name or self.usual_name or self.siren} ({self.siren})"


class Establishment(models.Model):
    """An establishment of an ESS legal unit. Partial diffusion (`P`): commune level only."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    legal_unit = models.ForeignKey(
        LegalUnit,
        on_delete=models.CASCADE,
        related_name="establishments",
        db_index=False,
        db_constraint=False,
    )
    siret = models.CharField(_("SIRET"), max_length=14, db_comment="siret")
    siren = models.CharField(_("SIREN"), max_length=9, db_comment="siren")
    diffusion = models.CharField(
        _("statut de diffusion"), max_length=1, db_comment="statutDiffusionEtablissement"
    )
    name = models.CharField(_("dénomination"), max_length=300, blank=True)
    enseigne = models.CharField(
        _("enseigne"), max_length=300, blank=True, db_comment="enseigne1..3Etablissement"
    )
    usual_name = models.CharField(
        _("dénomination usuelle"),
        max_length=300,
        blank=True,
        db_comment="denominationUsuelleEtablissement",
    )
    sigle = models.CharField(_("sigle"), max_length=100, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, db_comment="codePostalEtablissement"
    )
    source_commune_code = models.CharField(
        _("code commune Sirene"), max_length=5, blank=True, db_comment="codeCommuneEtablissement"
    )
    commune_code = models.CharField(_("commune"), max_length=5, blank=True)
    arrondissement_code = models.CharField(_("arrondissement municipal"), max_length=5, blank=True)
    epci_siren = models.CharField(_("EPCI"), max_length=9, blank=True)
    departement_code = models.CharField(_("département"), max_length=3, blank=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    naf = models.CharField(
        _("activité principale"),
        max_length=6,
        blank=True,
        db_comment="activitePrincipaleEtablissement",
    )
    naf_division = models.CharField(_("division NAF"), max_length=2, blank=True)
    workforce_band = models.CharField(
        _("tranche d'effectif"),
        max_length=2,
        blank=True,
        db_comment="trancheEffectifsEtablissement",
    )
    workforce_year = models.PositiveSmallIntegerField(
        _("année de la tranche"), null=True, db_comment="anneeEffectifsEtablissement"
    )
    employer = models.BooleanField(
        _("employeur"), null=True, db_comment="caractereEmployeurEtablissement"
    )
    state = models.CharField(
        _("état administratif"), max_length=1, db_comment="etatAdministratifEtablissement"
    )
    created_on = models.DateField(
        _("date de création"), null=True, db_comment="dateCreationEtablissement"
    )
    closed_on = models.DateField(
        _("date de fermeture"), null=True, db_comment="dateDebut of the closed period"
    )
    is_head_office = models.BooleanField(_("siège"), default=False, db_comment="etablissementSiege")
    lat = models.FloatField(_("latitude (WGS84)"), null=True)
    lon = models.FloatField(_("longitude (WGS84)"), null=True)
    qpv_code = models.CharField(_("QPV"), max_length=10, blank=True)

    objects = CurrentRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement ESS")
        verbose_name_plural = _("établissements ESS")
        indexes = [
            models.Index(fields=["run", "siret"]),
            models.Index(fields=["run", "commune_code"]),
            models.Index(fields=["run", "epci_siren"]),
            models.Index(fields=["run", "qpv_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.enseigne or self.name or self.siret} ({self.siret})"


class EstablishmentAggregate(models.Model):
    """Count of all establishments (ESS or not) per commune × NAF division × tranche × état ×
    employer: the denominator of ESS shares of the local economy."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    commune_code = models.CharField(
        max_length=5, db_comment="current commune, or the raw code if unknown"
    )
    commune_known = models.BooleanField(default=True)
    naf_division = models.CharField(max_length=2, blank=True)
    workforce_band = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=1)
    employer = models.BooleanField(null=True)
    count = models.PositiveIntegerField()

    objects = CurrentRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("agrégat des établissements")
        verbose_name_plural = _("agrégats des établissements")
        indexes = [models.Index(fields=["run", "commune_code"])]
