"""Grants (conventions), their payments, reporting documents and result indicators."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essor.calls.enums import PaymentKind
from essor.calls.models.application import Application, ApplicationDocument


class Grant(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    convention_date = models.DateField(_("date de la convention"))
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    decision_reference = models.CharField(_("référence de la décision"), max_length=100, blank=True)
    purpose = models.CharField(_("objet"), max_length=256)
    eu_notification = models.BooleanField(_("aide notifiée à l'Union européenne"), default=False)
    rae_id = models.CharField(_("identifiant RAE"), max_length=5, blank=True)
    share = models.DecimalField(
        _("part de la subvention pour ce bénéficiaire"), max_digits=5, decimal_places=4, default=1
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subvention attribuée")
        verbose_name_plural = _("subventions attribuées")
        ordering = ["convention_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0.01) & Q(share__lte=1), name="grant_share_in_range"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.amount} €)"


class Payment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField(_("type"), max_length=10, choices=PaymentKind.choices)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    due_on = models.DateField(_("échéance"))
    paid_on = models.DateField(_("versé le"), null=True, blank=True)
    reminded_on = models.DateField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["grant", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} € au {self.due_on}"


class ReportingDocument(models.Model):
    """A report the beneficiary owes (compte rendu financier, bilan d'activité…)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    label = models.CharField(_("pièce attendue"), max_length=300)
    due_on = models.DateField(_("à remettre le"))
    document = models.ForeignKey(
        ApplicationDocument, null=True, blank=True, on_delete=models.SET_NULL
    )
    received_on = models.DateField(_("reçu le"), null=True, blank=True)
    reminded_on = models.DateField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("compte rendu attendu")
        verbose_name_plural = _("comptes rendus attendus")
        ordering = ["grant", "due_on", "pk"]

    def __str__(self) -> str:
        return self.label


class ResultIndicator(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField(_("indicateur"), max_length=300)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField(
        _("réalisé"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measured_on = models.DateField(_("mesuré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicateur de résultat")
        verbose_name_plural = _("indicateurs de résultat")
        ordering = ["grant", "pk"]

    def __str__(self) -> str:
        return self.label
