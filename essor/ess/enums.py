from django.db import models
from django.utils.translation import gettext_lazy as _


class EssFamily(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Coopérative")
    MUTUELLE = "mutuelle", _("Mutuelle")
    FONDATION = "fondation", _("Fondation")
    COMMERCIAL = "commercial", _("Société commerciale de l'ESS")
    OUTSIDE = "hors_ess", _("Hors ESS")


class Perimeter(models.TextChoices):
    STATISTIQUE = "statistique", _("Périmètre statistique")
    LOI_2014 = "loi2014", _("Périmètre loi 2014")


class ListKind(models.TextChoices):
    ESS_FRANCE = "ess_france", _("Liste ESS France des entreprises de l'ESS")
    ESUS = "esus", _("Agréments ESUS")


class SiaeKind(models.TextChoices):
    ACI = "ACI", _("Atelier et chantier d'insertion")
    AI = "AI", _("Association intermédiaire")
    EI = "EI", _("Entreprise d'insertion")
    ETTI = "ETTI", _("Entreprise de travail temporaire d'insertion")
    EITI = "EITI", _("Entreprise d'insertion par le travail indépendant")
