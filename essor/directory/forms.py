"""Forms check shape only; the rules (what changed, who may, duplicates) live in the actions.

Public forms carry a honeypot: a text field hidden from people (off screen, out of the tab order,
hidden from assistive technologies) that robots fill in. A filled honeypot drops the submission.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from essor.directory.enums import ActorKind, Label, LifeStage
from essor.ess.themes import Theme
from essor.lib.identifiers import is_commune_code

HONEYPOT = "site_internet_2"


class HoneypotMixin:
    def caught_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in (text or "").replace(";", ",").split(",") if c.strip()]


class ActorForm(HoneypotMixin, forms.Form):
    name = forms.CharField(label=_("Nom de la structure ou du projet"), max_length=300)
    kind = forms.ChoiceField(label=_("Type"), choices=ActorKind.choices)
    life_stage = forms.ChoiceField(label=_("Situation"), choices=LifeStage.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    website = forms.URLField(
        label=_("Site web"), required=False, assume_scheme="https", max_length=200
    )
    public_email = forms.EmailField(label=_("E-mail de contact public"), required=False)
    public_phone = forms.CharField(label=_("Téléphone public"), max_length=30, required=False)
    opening_hours = forms.CharField(
        label=_("Horaires d'ouverture"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5, required=False)
    commune = forms.CharField(
        label=_("Commune (code Insee)"),
        max_length=5,
        help_text=_("Code Insee à 5 caractères, par exemple 44109 pour Nantes."),
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    themes = forms.MultipleChoiceField(
        label=_("Champs thématiques"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    labels = forms.MultipleChoiceField(
        label=_("Labels et statuts"),
        choices=Label.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    intervention_communes = forms.CharField(
        label=_("Zone d'intervention : communes (codes Insee séparés par des virgules)"),
        required=False,
    )
    intervention_radius_km = forms.IntegerField(
        label=_("Zone d'intervention : rayon (km)"), min_value=1, max_value=500, required=False
    )
    logo = forms.FileField(
        label=_("Logo (PNG, JPEG ou WebP, 1 Mo au plus)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    comment = forms.CharField(
        label=_("Message aux modérateur·rices (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    author_name = forms.CharField(label=_("Votre nom"), max_length=200, required=False)
    author_email = forms.EmailField(
        label=_("Votre e-mail (pour vous informer de la décision ; jamais publié)"),
        required=False,
    )

    def __init__(self, *args, anonymous: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            self.fields["author_email"].required = True
        else:
            del self.fields["author_name"]
            del self.fields["author_email"]

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip().upper()
        if not is_commune_code(code):
            raise forms.ValidationError(_("Code commune invalide (5 caractères)."))
        return code

    def clean_intervention_communes(self):
        codes = _codes(self.cleaned_data["intervention_communes"])
        bad = [c for c in codes if not is_commune_code(c)]
        if bad:
            raise forms.ValidationError(_("Codes commune invalides : %s") % ", ".join(bad))
        return codes

    def values(self) -> dict:
        """The contributed values (for the actions), without form-only fields."""
        data = dict(self.cleaned_data)
        for name in ("logo", "comment", "author_name", "author_email", "siret"):
            data.pop(name, None)
        return data

    @staticmethod
    def initial_from(values: dict) -> dict:
        initial = dict(values)
        initial["intervention_communes"] = ", ".join(values.get("intervention_communes") or [])
        initial.pop("logo", None)
        return initial


class NewActorForm(ActorForm):
    siret = forms.CharField(
        label=_("SIRET (laisser vide pour un projet ou un collectif sans SIRET)"),
        max_length=17,
        required=False,
    )
    field_order = ["siret"]


class ClaimForm(forms.Form):
    role_in_structure = forms.CharField(label=_("Votre fonction dans la structure"), max_length=200)


class ReportForm(HoneypotMixin, forms.Form):
    message = forms.CharField(
        label=_("Quelle information est erronée ?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    email = forms.EmailField(
        label=_("Votre e-mail (facultatif, pour vous répondre)"), required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("approve", _("Valider")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (obligatoire pour un refus, envoyé à l'auteur·rice)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MergeForm(forms.Form):
    keep = forms.CharField(label=_("Identifiant de l'acteur à garder"), max_length=80)


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la suppression"), max_length=1000)


class PtceMemberForm(forms.Form):
    member = forms.CharField(
        label=_("Identifiant de l'acteur membre (SIREN ou p-…)"), max_length=80
    )
