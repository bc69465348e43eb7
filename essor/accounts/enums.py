from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COLLECTIVITE = "collectivite", _("Collectivité")
    NETWORK = "network", _("Réseau d'acteurs de l'ESS")
    CRESS = "cress", _("CRESS")
    SUPPORT = "support", _("Structure d'accompagnement")
    FUNDER = "funder", _("Financeur")
    OTHER = "other", _("Autre")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice")
    AGENT = "agent", _("Agent")
    MODERATOR = "moderator", _("Modérateur·rice")
    REVIEWER = "reviewer", _("Évaluateur·rice")
    STRUCTURE_MEMBER = "structure_member", _("Membre d'une structure")
