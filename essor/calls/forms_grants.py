from django import forms
from django.utils.translation import gettext_lazy as _

from essor.calls.enums import PaymentKind


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class InstalmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *PaymentKind.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Montant (€)"), min_value=0, decimal_places=2, required=False
    )
    due_on = _date(_("Échéance"), required=False)

    def row(self):
        data = self.cleaned_data
        if not data.get("kind") or data.get("amount") is None or not data.get("due_on"):
            return None
        return (data["kind"], data["amount"], data["due_on"])


ScheduleFormSet = forms.formset_factory(InstalmentForm, extra=0, max_num=12)


class PaidForm(forms.Form):
    paid_on = _date(_("Versé le"))


class ReportForm(forms.Form):
    label = forms.CharField(label=_("Pièce attendue"), max_length=300)
    due_on = _date(_("À remettre le"))


class ReceivedForm(forms.Form):
    received_on = _date(_("Reçu le"))


class IndicatorForm(forms.Form):
    label = forms.CharField(label=_("Indicateur"), max_length=300)
    unit = forms.CharField(label=_("Unité"), max_length=50, required=False)
    target = forms.DecimalField(label=_("Cible"), required=False)
    achieved = forms.DecimalField(label=_("Réalisé"), required=False)
    measured_on = _date(_("Mesuré le"), required=False)
