"""Statuses and labels of the directory. Moderation statuses follow GoGoCarto's (peers.md §1) so
that imports from and feeds to existing ESS maps keep their meaning."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validé")
    REFUSED = "refused", _("Refusé")
    MODIFIED_PENDING = "modified_pending", _("Modification en attente")
    DUPLICATE = "duplicate", _("Doublon")
    REMOVED = "removed", _("Supprimé")


class ActorKind(models.TextChoices):
    ORGANISATION = "organisation", _("Structure")
    PTCE = "ptce", _("Pôle territorial de coopération économique (PTCE)")


class LifeStage(models.TextChoices):
    PROJECT = "en_projet", _("En projet")
    ACTIVE = "actif", _("En activité")
    CLOSED = "ferme", _("Fermé")


class Label(models.TextChoices):
    ESUS = "esus", _("Agrément ESUS")
    SIAE = "siae", _("Structure d'insertion par l'activité économique (SIAE)")
    EA = "ea", _("Entreprise adaptée (EA)")
    ESAT = "esat", _("ESAT")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    CAE = "cae", _("Coopérative d'activité et d'emploi (CAE)")
    PTCE_MEMBER = "membre_ptce", _("Membre d'un PTCE")
    TIERS_LIEU = "tiers_lieu", _("Tiers-lieu")
    SUPPORT = "accompagnement", _("Structure d'accompagnement")
    FUNDER = "financeur_solidaire", _("Financeur solidaire")


class VersionKind(models.TextChoices):
    CREATION = "creation", _("Nouvel acteur")
    MODIFICATION = "modification", _("Modification")


class VersionStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    VALIDATED = "validated", _("Validée")
    REFUSED = "refused", _("Refusée")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("En attente de vérification")
    VERIFIED = "verified", _("Vérifiée")
    REFUSED = "refused", _("Refusée")


class ClaimMethod(models.TextChoices):
    MODERATOR = "moderator", _("Vérifiée par un·e modérateur·rice")
    EMAIL_DOMAIN = "email_domain", _("Adresse e-mail sur le domaine du site de la structure")


class CustomFieldKind(models.TextChoices):
    TEXT = "text", _("Texte")
    URL = "url", _("Adresse web")
    NUMBER = "number", _("Nombre")
    BOOLEAN = "boolean", _("Oui / non")
    CHOICE = "choice", _("Choix dans une liste")
