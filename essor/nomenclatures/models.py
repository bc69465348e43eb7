"""INSEE nomenclatures: NAF rév. 2 (5 levels), catégories juridiques (3 levels), tranches
d'effectifs with their bounds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NafLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUP = "groupe", _("Groupe")
    CLASS = "classe", _("Classe")
    SUBCLASS = "sous_classe", _("Sous-classe")


class NafCode(models.Model):
    """One item of NAF rév. 2 at any level, in Sirene's dotted form (`J`, `62`, `62.0`, `62.01`,
    `62.01Z`)."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    level = models.CharField(_("niveau"), max_length=12, choices=NafLevel.choices)
    label = models.CharField(_("libellé"), max_length=300)
    short_label = models.CharField(_("libellé court"), max_length=70, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)
    section = models.CharField(_("section"), max_length=1)

    class Meta:
        verbose_name = _("code NAF rév. 2")
        verbose_name_plural = _("codes NAF rév. 2")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class LegalCategory(models.Model):
    """One catégorie juridique (niveau I: 1 digit, II: 2 digits, III: 4 digits)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("niveau"))
    label = models.CharField(_("libellé"), max_length=300)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("catégorie juridique")
        verbose_name_plural = _("catégories juridiques")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class WorkforceBand(models.Model):
    """A Sirene tranche d'effectif salarié with its bounds and the midpoint used for estimates."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100)
    minimum = models.PositiveIntegerField(_("effectif minimum"), null=True, blank=True)
    maximum = models.PositiveIntegerField(_("effectif maximum"), null=True, blank=True)
    midpoint = models.FloatField(_("point milieu (estimation)"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("ordre"))

    class Meta:
        verbose_name = _("tranche d'effectif salarié")
        verbose_name_plural = _("tranches d'effectif salarié")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.label
