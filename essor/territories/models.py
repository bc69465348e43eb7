"""Territorial referential: régions, départements, EPCI, communes (with arrondissements municipaux
mapped to their parent), aliases for old commune codes, QPV and custom perimeters.

Geometry is stored as simplified GeoJSON text plus a centroid and a bounding box: the application
needs no spatial database; point-in-polygon work happens in the import pipeline (shapely).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essor.territories.enums import AliasKind, CommuneKind, EpciNature


class Shape(models.Model):
    """Common fields of a territory drawn on a map."""

    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    geometry = models.TextField(_("contour simplifié (GeoJSON, WGS84)"), blank=True)
    lat = models.FloatField(_("latitude du centroïde"), null=True, blank=True)
    lon = models.FloatField(_("longitude du centroïde"), null=True, blank=True)
    bbox = models.JSONField(_("emprise [ouest, sud, est, nord]"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Region(Shape):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    siren = models.CharField(_("SIREN de la collectivité"), max_length=9, blank=True, db_index=True)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]


class Departement(Shape):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    siren = models.CharField(_("SIREN de la collectivité"), max_length=9, blank=True, db_index=True)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]


class Epci(Shape):
    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    nature = models.CharField(_("nature"), max_length=5, choices=EpciNature.choices)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]


class Commune(Shape):
    """A current commune (COG) or a municipal arrondissement of Paris, Lyon or Marseille.

    Arrondissements point to their parent commune and carry its EPCI; territorial counts always
    roll up to the parent commune.
    """

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    kind = models.CharField(_("type"), max_length=3, choices=CommuneKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("commune parente"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="arrondissements",
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code"]

    @property
    def region_id(self) -> str:
        return self.departement.region_id


class CommuneAlias(models.Model):
    """An old or secondary commune code (commune déléguée, associée, or from a passage table)
    that Sirene may still carry, with the current commune it now belongs to."""

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=AliasKind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("ancien code de commune")
        verbose_name_plural = _("anciens codes de communes")

    def __str__(self) -> str:
        return f"{self.code} {self.name} → {self.commune_id}"


class Qpv(Shape):
    """A quartier prioritaire de la politique de la ville (2015 `QP…` or 2024 `QN…` generation)."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    generation = models.PositiveSmallIntegerField(_("génération"))
    communes = models.ManyToManyField(Commune, related_name="qpvs", blank=True)
    source = models.CharField(_("fichier source"), max_length=500, blank=True)
    full_geometry = models.TextField(
        _("contour complet (GeoJSON, WGS84)"),
        blank=True,
        help_text=_("Non simplifié : sert à situer les établissements dans les QPV."),
    )

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["code"]


class Perimeter(models.Model):
    """A named list of communes (a contrat de ville, a pays, a bassin d'emploi…)."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE
    )
    communes = models.ManyToManyField(Commune, related_name="perimeters")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("périmètre personnalisé")
        verbose_name_plural = _("périmètres personnalisés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferentialLoad(models.Model):
    """One run of `essor referentials load` or `essor referentials qpv`: source and counts."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=20)  # "cog" or "qpv"
    source = models.CharField(max_length=500)
    counts = models.JSONField(default=dict)
    duration_s = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("chargement du référentiel")
        verbose_name_plural = _("chargements du référentiel")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} ({self.source})"
