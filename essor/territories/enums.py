from django.db import models
from django.utils.translation import gettext_lazy as _


class EpciNature(models.TextChoices):
    METRO = "METRO", _("Métropole")
    MET69 = "MET69", _("Métropole de Lyon")
    CU = "CU", _("Communauté urbaine")
    CA = "CA", _("Communauté d'agglomération")
    CC = "CC", _("Communauté de communes")


class CommuneKind(models.TextChoices):
    COMMUNE = "COM", _("Commune")
    ARRONDISSEMENT = "ARM", _("Arrondissement municipal")


class AliasKind(models.TextChoices):
    DELEGUEE = "COMD", _("Commune déléguée")
    ASSOCIEE = "COMA", _("Commune associée")
    PASSAGE = "PASSAGE", _("Ancienne commune (table de passage)")


class TerritoryKind(models.TextChoices):
    FRANCE = "france", _("France")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")
    QPV = "qpv", _("Quartier prioritaire (QPV)")
    PERIMETER = "perimeter", _("Périmètre personnalisé")
