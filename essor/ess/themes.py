"""The thematic fields shared by every module (calls, observatory, directory…): the four focuses
of the 2021 study (économie circulaire, alimentation durable, habitat durable, numérique
responsable et solidaire) plus the fields the issues name. One list, so that a call's theme, an
indicator's field and an actor's tag mean the same thing."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    CIRCULAR = "economie_circulaire", _("Économie circulaire")
    FOOD = "alimentation_durable", _("Alimentation durable")
    HOUSING = "habitat_durable", _("Habitat durable")
    DIGITAL = "numerique_responsable", _("Numérique responsable et solidaire")
    INSERTION = "insertion", _("Insertion")
    CULTURE = "culture", _("Culture")
    MOBILITY = "mobilite", _("Mobilité")
    ENERGY = "energie", _("Énergie")
    FINANCE = "finance_solidaire", _("Finance solidaire")
