"""Characterisation grids (CSESS 2017 orientations and others) and assessments made with them.

A grid has versions; criteria belong to a version, so an assessment always keeps the exact version
it was made with. A published version is frozen: editing a grid means publishing a new version.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grid(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation propriétaire"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Vide pour une grille commune à toute l'instance."),
    )
    is_default = models.BooleanField(_("grille par défaut"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grille de caractérisation")
        verbose_name_plural = _("grilles de caractérisation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GridVersion(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro de version"))
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    notes = models.TextField(_("notes de version"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de grille")
        verbose_name_plural = _("versions de grille")
        ordering = ["grid", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "number"], name="unique_grid_version")
        ]

    def __str__(self) -> str:
        return f"{self.grid} — v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.published_at is not None


class Category(models.Model):
    version = models.ForeignKey(GridVersion, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie de critères")
        verbose_name_plural = _("catégories de critères")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("critère"), max_length=300)
    guidance = models.TextField(_("aide à la notation"), blank=True)
    scale = models.JSONField(
        _("échelle"),
        default=list,
        help_text=_('Liste de niveaux [{"value": 0, "label": "…"}, …], croissante.'),
    )
    weight = models.DecimalField(_("poids"), max_digits=5, decimal_places=2, default=1)
    required = models.BooleanField(_("obligatoire"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["category", "position"]

    def __str__(self) -> str:
        return self.label

    @property
    def max_value(self) -> int:
        return max((level["value"] for level in self.scale), default=0)


class QuickQuestion(models.Model):
    """One of the quick questions for a rapid analysis (Avise: four for the CSESS grid)."""

    version = models.ForeignKey(GridVersion, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question rapide")
        verbose_name_plural = _("questions rapides")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.text


class Assessment(models.Model):
    """Scores given with one grid version, by one person, about one subject (an application of a
    call, a self-diagnosis…). `subject_type`/`subject_id` name the subject without a hard link."""

    version = models.ForeignKey(GridVersion, on_delete=models.PROTECT, related_name="assessments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    comment = models.TextField(_("commentaire général"), blank=True)
    quick_answers = models.JSONField(
        _("réponses aux questions rapides"),
        default=dict,
        blank=True,
        help_text=_("{identifiant de la question : « oui », « en_partie » ou « non »}"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            # One assessment per author, version and subject (anonymous ones are not merged).
            models.UniqueConstraint(
                fields=["version", "author", "subject_type", "subject_id"],
                condition=models.Q(author__isnull=False),
                name="unique_assessment_per_author",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.author or 'anonyme'}"


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    value = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_score")
        ]
