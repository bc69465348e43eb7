"""Applications to a call, their documents, state history, messages and reviewer assignments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essor.calls.enums import ApplicationState, Stage
from essor.calls.models.call import Call
from essor.ess.enums import EssFamily


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own applications, applications assigned for review, and the submitted applications of
        the calls of the organisations where the user is admin or agent (drafts stay private to
        their author). Superusers see everything."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        managed = Call.objects.managed_by(user).values("pk")
        assigned = ReviewerAssignment.objects.filter(reviewer=user).values("application_id")
        submitted = Q(call_id__in=managed) & ~Q(state=ApplicationState.DRAFT)
        return self.filter(Q(applicant=user) | Q(pk__in=assigned) | submitted)

    def managed_by(self, user):
        return self.filter(call__in=Call.objects.managed_by(user).values("pk"))


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_applications"
    )
    siret = models.CharField(_("SIRET de la structure"), max_length=14)
    structure_name = models.CharField(_("nom de la structure"), max_length=300)
    declared_family = models.CharField(
        _("forme juridique (famille)"), max_length=12, choices=EssFamily.choices, blank=True
    )
    declared_commune = models.CharField(
        _("commune du siège (code INSEE)"), max_length=5, blank=True
    )
    stage = models.CharField(_("stade du projet"), max_length=15, choices=Stage.choices, blank=True)
    employees = models.PositiveIntegerField(_("effectif salarié"), null=True, blank=True)
    project_title = models.CharField(_("intitulé du projet"), max_length=256, blank=True)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("étape en cours"), default=1)
    state = models.CharField(
        _("état"), max_length=15, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    amount_requested = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_proposed = models.DecimalField(
        _("montant proposé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_granted = models.DecimalField(
        _("montant accordé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["call", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0) | Q(amount_requested__isnull=True),
                name="application_amount_requested_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.structure_name or self.siret}"

    @property
    def reference(self) -> str:
        return f"{self.call.kind.upper()}-{self.call_id}-{self.pk:05d}"

    @property
    def siren(self) -> str:
        return self.siret[:9]


class ApplicationDocument(models.Model):
    """An uploaded file, kept outside the web root under a generated name (see uploads.py)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    field = models.ForeignKey("calls.FormField", null=True, blank=True, on_delete=models.SET_NULL)
    label = models.CharField(_("pièce"), max_length=300)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return f"{self.label} — {self.original_name}"


class Transition(models.Model):
    """One change of state of an application: who, when, why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("de"), max_length=15, choices=ApplicationState.choices)
    to_state = models.CharField(_("vers"), max_length=15, choices=ApplicationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("date"))

    class Meta:
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")
        ordering = ["application", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class ReviewerAssignment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    has_conflict = models.BooleanField(_("conflit d'intérêts"), null=True)
    conflict_text = models.TextField(_("précisions sur le conflit d'intérêts"), blank=True)
    declared_at = models.DateTimeField(_("déclaration faite le"), null=True, blank=True)
    assessment = models.OneToOneField(
        "innovation.Assessment", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("évaluateur·rice désigné·e")
        verbose_name_plural = _("évaluateur·rices désigné·es")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="unique_reviewer_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application_id}"

    @property
    def may_score(self) -> bool:
        return self.has_conflict is False


class PrivateNote(models.Model):
    """A note of a reviewer or of the instructing team, never shown to the applicant."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note privée")
        verbose_name_plural = _("notes privées")
        ordering = ["application", "created_at", "pk"]


class Message(models.Model):
    """A message between the applicant and the instructing team."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["application", "created_at", "pk"]
