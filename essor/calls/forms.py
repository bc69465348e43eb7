"""Forms check shape only (types, required fields, SIRET); rules across objects live in actions."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essor.calls.enums import (
    ApplicationState,
    CallKind,
    FieldKind,
    Stage,
)
from essor.ess.enums import EssFamily
from essor.ess.themes import Theme
from essor.innovation.models import GridVersion
from essor.lib.identifiers import is_commune_code, is_valid_siret

FAMILIES = [c for c in EssFamily.choices if c[0] != EssFamily.OUTSIDE]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M:%S", **kwargs)


class CallForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'appel"), choices=CallKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    eligible_families = forms.MultipleChoiceField(
        label=_("Familles juridiques admises (aucune cochée : toutes)"),
        choices=FAMILIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    eligible_stages = forms.MultipleChoiceField(
        label=_("Stades admis (aucun coché : tous)"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    communes = forms.CharField(
        label=_("Communes éligibles (codes INSEE séparés par des virgules)"),
        help_text=_("Vide : le périmètre de l'organisation."),
        required=False,
    )
    max_employees = forms.IntegerField(
        label=_("Effectif salarié maximal"), min_value=0, required=False
    )
    envelope = forms.DecimalField(label=_("Enveloppe (€)"), min_value=0, decimal_places=2)
    opens_at = forms.DateTimeField(label=_("Ouverture (heure de Paris)"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Clôture (heure de Paris)"), widget=DateTimeInput())
    grid_version = forms.ModelChoiceField(
        label=_("Grille d'évaluation"),
        queryset=GridVersion.objects.none(),
        required=False,
        empty_label=_("Grille par défaut (orientations CSESS 2017)"),
    )
    required_documents = forms.CharField(
        label=_("Pièces obligatoires (une par ligne)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_version"].queryset = (
            GridVersion.objects.filter(published_at__isnull=False)
            .filter(Q(grid__organisation__isnull=True) | Q(grid__organisation=organisation))
            .select_related("grid")
            .order_by("grid__name", "-number")
        )

    def clean_communes(self):
        codes = [c.strip() for c in self.cleaned_data["communes"].split(",") if c.strip()]
        bad = [c for c in codes if not is_commune_code(c)]
        if bad:
            raise forms.ValidationError(_("Codes de commune invalides : %s") % ", ".join(bad))
        return codes

    def clean_required_documents(self):
        return _lines(self.cleaned_data["required_documents"])


class FormFieldForm(forms.Form):
    label = forms.CharField(label=_("Intitulé de la question"), max_length=300)
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=FieldKind.choices)
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
    choices = forms.CharField(
        label=_("Choix possibles (un par ligne, pour un champ à choix)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    help = forms.CharField(label=_("Aide"), max_length=500, required=False)

    def clean_choices(self):
        return _lines(self.cleaned_data["choices"])


class SettingsForm(forms.Form):
    official_name = forms.CharField(label=_("Nom officiel de l'attribuant"), max_length=200)
    siret = forms.CharField(label=_("SIRET de l'attribuant"), max_length=17)

    def clean_siret(self):
        value = self.cleaned_data["siret"].replace(" ", "")
        if not is_valid_siret(value):
            raise forms.ValidationError(_("Ce numéro SIRET n'est pas valide."))
        return value


class SiretForm(forms.Form):
    siret = forms.CharField(
        label=_("SIRET de la structure"),
        max_length=17,
        help_text=_("14 chiffres, par exemple 123 456 789 00012."),
    )
    structure_name = forms.CharField(
        label=_("Nom de la structure"),
        max_length=300,
        required=False,
        help_text=_("Prérempli depuis la base Sirene quand la structure y figure."),
    )

    def clean_siret(self):
        value = self.cleaned_data["siret"].replace(" ", "")
        if not is_valid_siret(value):
            raise forms.ValidationError(
                _("Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle).")
            )
        return value


class StructureStepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    structure_name = forms.CharField(label=_("Nom de la structure"), max_length=300)
    declared_family = forms.ChoiceField(
        label=_("Forme juridique"), choices=[("", "—"), *FAMILIES], required=False
    )
    declared_commune = forms.CharField(
        label=_("Commune du siège (code INSEE)"), max_length=5, required=False
    )
    stage = forms.ChoiceField(
        label=_("Stade du projet"), choices=[("", "—"), *Stage.choices], required=False
    )
    employees = forms.IntegerField(label=_("Effectif salarié"), min_value=0, required=False)

    def clean_declared_commune(self):
        value = self.cleaned_data["declared_commune"].strip()
        if value and not is_commune_code(value):
            raise forms.ValidationError(_("Code INSEE de commune invalide."))
        return value


class ProjectStepForm(forms.Form):
    """Fixed project fields plus one field per question of the call (built in __init__)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    project_title = forms.CharField(label=_("Intitulé du projet"), max_length=256)
    amount_requested = forms.DecimalField(
        label=_("Montant demandé (€)"), min_value=0, decimal_places=2
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if q.kind != FieldKind.FILE]
        for question in self.questions:
            self.fields[question.key] = _question_field(question)

    def answers(self) -> dict:
        return {q.key: self.cleaned_data.get(q.key) for q in self.questions}


def _question_field(question) -> forms.Field:
    common = {"label": question.label, "required": False, "help_text": question.help}
    if question.kind == FieldKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
    if question.kind in (FieldKind.NUMBER, FieldKind.AMOUNT):
        return forms.DecimalField(**common)
    if question.kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in question.choices], **common)
    if question.kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(max_length=1000, **common)


class UploadForm(forms.Form):
    label = forms.CharField(label=_("Pièce"), max_length=300)
    file = forms.FileField(
        label=_("Fichier (PDF, PNG, JPEG, ODT ou DOCX, 10 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.odt,.docx"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 4}))


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note privée (jamais montrée au candidat)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AdmissibilityForm(forms.Form):
    admissible = forms.TypedChoiceField(
        label=_("Recevabilité"),
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
        choices=[("oui", _("Recevable")), ("non", _("Irrecevable"))],
    )
    reason = forms.CharField(
        label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Évaluateur·rice"), queryset=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Avez-vous un conflit d'intérêts avec cette structure ou ce projet ?"),
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
        choices=[("non", _("Non, aucun conflit d'intérêts")), ("oui", _("Oui"))],
    )
    text = forms.CharField(
        label=_("Si oui, précisez"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CommitteeForm(forms.Form):
    amount_proposed = forms.DecimalField(
        label=_("Montant proposé (€)"), min_value=0, decimal_places=2, required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        widget=forms.RadioSelect,
        choices=[
            (s, ApplicationState(s).label)
            for s in (ApplicationState.ACCEPTED, ApplicationState.REFUSED, ApplicationState.DROPPED)
        ],
    )
    amount_granted = forms.DecimalField(
        label=_("Montant accordé (€)"), min_value=0, decimal_places=2, required=False
    )
    convention_date = forms.DateField(
        label=_("Date de la convention"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
