"""Actors of the directory.

An actor's official part comes from Sirene (essor.sirene LegalUnit / Establishment of the current
import, looked up by SIREN, never copied here: read-only with its source and date). Its contributed
part (description, contacts, labels…) lives on `Actor` and only changes through a validated
`ActorVersion`, so that every change is moderated, kept and audited. An actor without SIREN (a
project, a collective) has life stage « en projet ».

Every ESS legal unit of the current import is an actor even without an `Actor` row: the row is
created the first time someone contributes to it, claims it or imports it (`siren` unique among
live rows).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from essor.directory.enums import (
    ActorKind,
    ClaimMethod,
    ClaimStatus,
    CustomFieldKind,
    LifeStage,
    ModerationStatus,
    VersionKind,
    VersionStatus,
)

# Contributed fields a version may change (the keys of ActorVersion.data).
CONTRIBUTED_FIELDS = [
    "name",
    "kind",
    "life_stage",
    "description",
    "website",
    "public_email",
    "public_phone",
    "opening_hours",
    "address",
    "postal_code",
    "commune",
    "lat",
    "lon",
    "themes",
    "labels",
    "intervention_communes",
    "intervention_radius_km",
    "logo",
]


class Actor(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    siret = models.CharField(
        _("SIRET de l'établissement principal"), max_length=14, blank=True, db_index=True
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=ActorKind.choices, default=ActorKind.ORGANISATION
    )
    life_stage = models.CharField(
        _("situation"), max_length=10, choices=LifeStage.choices, default=LifeStage.ACTIVE
    )
    status = models.CharField(
        _("statut de modération"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    name = models.CharField(_("nom"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    public_email = models.EmailField(_("e-mail public"), blank=True)
    public_phone = models.CharField(_("téléphone public"), max_length=30, blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    # Stored name of a checked image under VAR_DIR/uploads/directory-logos/ (see logos.py).
    logo = models.CharField(_("logo"), max_length=100, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lat = models.FloatField(_("latitude (WGS84)"), null=True, blank=True)
    lon = models.FloatField(_("longitude (WGS84)"), null=True, blank=True)
    themes = models.JSONField(_("champs thématiques"), default=list, blank=True)  # Theme values
    labels = models.JSONField(_("labels et statuts"), default=list, blank=True)  # Label values
    intervention_communes = models.ManyToManyField(
        "territories.Commune",
        verbose_name=_("zone d'intervention (communes)"),
        blank=True,
        related_name="+",
    )
    intervention_radius_km = models.PositiveIntegerField(
        _("zone d'intervention (rayon en km)"), null=True, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doublon de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # Where the row came from: "contribution", "import:<batch id>", "gogocarto:<source>"…
    source = models.CharField(_("source"), max_length=100, default="contribution")
    source_ref = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("acteur")
        verbose_name_plural = _("acteurs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"],
                condition=~models.Q(siren="")
                & ~models.Q(status__in=[ModerationStatus.DUPLICATE, ModerationStatus.REMOVED]),
                name="actor_live_siren_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ActorVersion(models.Model):
    """A proposed change (or creation): the proposed values of the contributed fields it changes
    in `data` (every given field for a creation), and once approved the values they replaced in
    `previous`. Validated versions are the actor's history. Only the changed fields are kept so
    that two pending changes to different fields never undo each other."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(_("nature"), max_length=20, choices=VersionKind.choices)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=VersionStatus.choices,
        default=VersionStatus.PENDING,
        db_index=True,
    )
    data = models.JSONField(_("valeurs proposées"), default=dict)
    previous = models.JSONField(_("valeurs remplacées"), default=dict)
    comment = models.TextField(_("message de l'auteur·rice"), blank=True)
    # Proposed by a verified claimant of the structure: still moderated, flagged for moderators.
    by_structure = models.BooleanField(_("proposée par la structure"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("nom de l'auteur·rice"), max_length=200, blank=True)
    author_email = models.EmailField(_("e-mail de l'auteur·rice"), blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    reason = models.TextField(_("motif de la décision"), blank=True)

    class Meta:
        verbose_name = _("version d'un acteur")
        verbose_name_plural = _("versions des acteurs")
        ordering = ["-created_at", "-id"]


class ActorClaim(models.Model):
    """A member of a structure asking to manage its profile."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("statut"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    method = models.CharField(_("vérification"), max_length=20, choices=ClaimMethod.choices)
    role_in_structure = models.CharField(_("fonction dans la structure"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("revendication de fiche")
        verbose_name_plural = _("revendications de fiche")


class ErrorReport(models.Model):
    """« Signaler une erreur » on an actor page, handled by the moderators."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="error_reports")
    message = models.TextField(_("message"))
    email = models.EmailField(_("e-mail pour vous répondre"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")


class CustomField(models.Model):
    """A field an organisation adds to the actors of its territory; private fields are shown to
    the organisation's members only."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="custom_fields"
    )
    key = models.SlugField(_("clé"), max_length=50)
    label = models.CharField(_("libellé"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=CustomFieldKind.choices)
    choices = models.JSONField(_("choix possibles"), default=list, blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        verbose_name = _("champ personnalisé")
        verbose_name_plural = _("champs personnalisés")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="custom_field_key")
        ]


class CustomFieldValue(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="custom_values")
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    value = models.JSONField(_("valeur"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "field"], name="custom_value_once")]


class PtceMembership(models.Model):
    """A PTCE (an actor of kind « ptce ») and one of its member actors."""

    ptce = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="ptce_members")
    member = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="ptce_memberships")
    since = models.DateField(_("membre depuis"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ptce", "member"], name="ptce_member_once")]
