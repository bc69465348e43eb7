"""Choices of the directory's imports, external sources and saved searches."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchKind(models.TextChoices):
    MEMBERS = "members", _("Liste de membres (CSV ou XLSX)")
    GOGOCARTO = "gogocarto", _("Export GoGoCarto (JSON)")


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Fichier déposé, correspondance des colonnes à faire")
    PREVIEWED = "previewed", _("Aperçu prêt, en attente de confirmation")
    CONFIRMING = "confirming", _("Écriture en cours")
    CONFIRMED = "confirmed", _("Confirmé et écrit")
    CANCELLED = "cancelled", _("Abandonné")
    FAILED = "failed", _("Refusé (fichier invalide)")


class RowStatus(models.TextChoices):
    MATCHED = "matched", _("Rapproché")
    NEW = "new", _("Nouveau")
    CONFLICT = "conflict", _("Conflit")
    REJECTED = "rejected", _("Rejeté")


class ConflictPolicy(models.TextChoices):
    KEEP = "keep", _("Garder les valeurs actuelles de l'annuaire")
    REPLACE = "replace", _("Remplacer par les valeurs du fichier")


class SourceFormat(models.TextChoices):
    GOGOCARTO = "gogocarto", _("GoGoCarto (JSON)")
    CSV = "csv", _("CSV")


class SourceFrequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")
    MONTHLY = "monthly", _("Chaque mois")


class RunStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("Réussi")
    UNCHANGED = "unchanged", _("Aucun changement")
    FAILED = "failed", _("Échoué")


class AlertFrequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")
