from django import forms
from django.utils.translation import gettext_lazy as _

from essor.directory.exchange.enums import (
    AlertFrequency,
    BatchKind,
    ConflictPolicy,
    SourceFormat,
    SourceFrequency,
)
from essor.directory.exchange.importers.members import TARGETS
from essor.directory.exchange.models import ExternalSource
from essor.directory.exchange.records import COLUMNS, DEFAULT_COLUMNS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de fichier"),
        choices=BatchKind.choices,
        initial=BatchKind.MEMBERS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV (UTF-8 ou Windows-1252, séparateur détecté) ou XLSX, ou JSON GoGoCarto ; 10 Mo au plus."
        ),
    )


class MappingForm(forms.Form):
    """One select per target field, listing the file's columns."""

    conflict_policy = forms.ChoiceField(
        label=_("Quand une valeur du fichier diffère de celle de l'annuaire"),
        choices=ConflictPolicy.choices,
        initial=ConflictPolicy.KEEP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— pas dans le fichier —"))] + [(c, c) for c in columns]
        for target, label in TARGETS.items():
            self.fields[target] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.order_fields([*TARGETS, "conflict_policy"])

    def mapping(self) -> dict:
        return {t: self.cleaned_data.get(t) or "" for t in TARGETS}


class PolicyForm(forms.Form):
    conflict_policy = MappingForm.base_fields["conflict_policy"]


class SourceForm(forms.ModelForm):
    class Meta:
        model = ExternalSource
        fields = ["name", "url", "format", "frequency"]
        help_texts = {
            "url": _(
                "Adresse http(s) de l'export (par exemple https://carte.exemple.fr/api/elements.json)."
            ),
        }

    url = forms.URLField(label=_("Adresse"), max_length=500, assume_scheme="https")
    format = forms.ChoiceField(label=_("Format"), choices=SourceFormat.choices)
    frequency = forms.ChoiceField(label=_("Fréquence"), choices=SourceFrequency.choices)


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX (tableur)"), ("geojson", "GeoJSON (carte)")],
        initial="csv",
        widget=forms.RadioSelect,
    )
    colonnes = forms.MultipleChoiceField(
        label=_("Colonnes"),
        choices=[(k, v[0]) for k, v in COLUMNS.items()],
        initial=DEFAULT_COLUMNS,
        widget=forms.CheckboxSelectMultiple,
    )


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Nom de la recherche"), max_length=200)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    frequency = forms.ChoiceField(
        label=_("Alerte par e-mail"), choices=AlertFrequency.choices, initial=AlertFrequency.WEEKLY
    )
