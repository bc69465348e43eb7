"""Calls (appels à projets, AMI, appels à initiatives), their form fields and per-organisation settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essor.accounts.enums import Role
from essor.calls.enums import CallKind, CallStatus, FieldKind

STAFF_ROLES = (Role.ADMIN, Role.AGENT)


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED])

    def managed_by(self, user):
        """Calls of the organisations where `user` is admin or agent (all for superusers)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            organisation__membership__user=user, organisation__membership__role__in=STAFF_ROLES
        ).distinct()

    def visible_to(self, user):
        """Published calls for everyone, plus drafts of the organisations `user` manages."""
        managed = self.managed_by(user).values("pk")
        return self.filter(
            Q(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED]) | Q(pk__in=managed)
        )


class Call(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("type d'appel"), max_length=3, choices=CallKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("thématiques"), default=list, blank=True)
    eligible_families = models.JSONField(
        _("familles juridiques admises"),
        default=list,
        blank=True,
        help_text=_("Vide : toutes les familles."),
    )
    communes = models.ManyToManyField(
        "territories.Commune",
        verbose_name=_("communes éligibles"),
        blank=True,
        help_text=_("Vide : le périmètre de l'organisation."),
    )
    eligible_stages = models.JSONField(_("stades admis"), default=list, blank=True)
    max_employees = models.PositiveIntegerField(
        _("effectif salarié maximal"), null=True, blank=True
    )
    envelope = models.DecimalField(_("enveloppe (€)"), max_digits=12, decimal_places=2)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    required_documents = models.JSONField(_("pièces obligatoires"), default=list, blank=True)
    grid_version = models.ForeignKey(
        "innovation.GridVersion",
        verbose_name=_("grille d'évaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(envelope__gte=0), name="call_envelope_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("calls:call_detail", args=[self.slug])


class FormField(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(_("intitulé"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=FieldKind.choices)
    required = models.BooleanField(_("obligatoire"), default=False)
    choices = models.JSONField(_("choix possibles"), default=list, blank=True)
    help = models.CharField(_("aide"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("champ du formulaire")
        verbose_name_plural = _("champs du formulaire")
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        return f"f{self.pk}"


class CallSettings(models.Model):
    """What an organisation publishes as the granting body (SCDL nomAttribuant / idAttribuant)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="call_settings"
    )
    official_name = models.CharField(_("nom officiel de l'attribuant"), max_length=200)
    siret = models.CharField(_("SIRET de l'attribuant"), max_length=14)

    class Meta:
        verbose_name = _("réglages des appels")
        verbose_name_plural = _("réglages des appels")

    def __str__(self) -> str:
        return f"{self.official_name} ({self.siret})"
