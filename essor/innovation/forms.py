"""Forms of the public self-diagnosis pages. They check shape only; rules live in
esus.py, ess_status.py and scoring.py."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from essor.innovation.ess_status import LegalForm, SocialUtility, StructureFacts
from essor.innovation.esus import TOP_PAYS_COUNTED, EsusFacts, PleinDroit

QUICK_CHOICES = [("oui", _("Oui")), ("en_partie", _("En partie")), ("non", _("Non"))]
YES_NO = [("oui", _("Oui")), ("non", _("Non"))]


class NumberField(forms.DecimalField):
    """A decimal typed the French way or not: « 151 354,56 », « 66 % », « 1200.5 »."""

    def to_python(self, value):
        if isinstance(value, str):
            for char in (" ", "\u00a0", "\u202f", "€", "%"):
                value = value.replace(char, "")
            value = value.replace(",", ".")
        return super().to_python(value)


def _yes_no(label, help_text=""):
    return forms.ChoiceField(
        label=label, help_text=help_text, choices=YES_NO, widget=forms.RadioSelect, required=False
    )


def _percent(label, help_text=""):
    return NumberField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _as_bool(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


class DiagnosisForm(forms.Form):
    """The quick questions, then every criterion of a grid version (radio buttons per level)."""

    def __init__(self, version, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = list(version.questions.order_by("position", "pk"))
        self.categories = list(
            version.categories.order_by("position", "pk").prefetch_related("criteria")
        )
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.ChoiceField(
                label=question.text,
                choices=QUICK_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choisissez « oui », « en partie » ou « non ».")},
            )
        for category in self.categories:
            for criterion in category.criteria.all():
                self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                    label=criterion.label,
                    help_text=criterion.guidance,
                    choices=[(level["value"], level["label"]) for level in criterion.scale],
                    coerce=int,
                    empty_value=None,
                    required=criterion.required,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Ce critère est obligatoire : choisissez un niveau.")
                    },
                )
        self.fields["save"] = forms.BooleanField(
            label=_("Enregistrer ce diagnostic de façon anonyme (aucune donnée personnelle)"),
            required=False,
        )

    def question_fields(self):
        return [(q, self[f"question_{q.pk}"]) for q in self.questions]

    def category_groups(self):
        return [
            (category, [(c, self[f"criterion_{c.pk}"]) for c in category.criteria.all()])
            for category in self.categories
        ]

    def values(self) -> dict[int, int | None]:
        return {
            int(name.split("_", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("criterion_")
        }

    def quick_answers(self) -> dict[str, str]:
        return {
            name.split("_", 1)[1]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("question_")
        }


COMMERCIAL_FIELDS = [
    "purpose_beyond_profit",
    "democratic_governance",
    "profits_mostly_reinvested",
    "reserves_undistributable",
    "development_fund_pct",
    "retained_and_reserves_pct",
    "no_capital_amortisation",
]


class StatusForm(forms.Form):
    """ESS membership (loi ESS art. 1er, 2) and ESUS conditions (art. L. 3332-17-1 c. trav.)."""

    legal_form = forms.ChoiceField(
        label=_("Forme juridique de la structure"),
        choices=LegalForm.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la forme juridique de votre structure.")},
    )
    purpose_beyond_profit = _yes_no(
        _("Les statuts fixent-ils un but autre que le seul partage des bénéfices ?")
    )
    democratic_governance = _yes_no(
        _("La gouvernance est-elle démocratique ?"),
        _(
            "Prévue par les statuts, elle informe et associe les associés, les salariés et les "
            "parties prenantes ; le droit de vote ne dépend pas seulement du capital apporté."
        ),
    )
    profits_mostly_reinvested = _yes_no(
        _(
            "Les bénéfices sont-ils majoritairement consacrés au maintien ou au développement de l'activité ?"
        )
    )
    reserves_undistributable = _yes_no(
        _("Les réserves obligatoires sont-elles impartageables (jamais distribuées) ?")
    )
    development_fund_pct = _percent(
        _("Part des bénéfices de l'exercice affectée au fonds de développement (%)"),
        _("Minimum légal : 20 %, tant que les réserves n'atteignent pas le cinquième du capital."),
    )
    retained_and_reserves_pct = _percent(
        _("Part des bénéfices affectée au report bénéficiaire et aux réserves obligatoires (%)"),
        _("Minimum légal : 50 %."),
    )
    no_capital_amortisation = _yes_no(
        _(
            "Les statuts interdisent-ils d'amortir le capital et de le réduire pour une autre "
            "raison que des pertes ?"
        ),
        _("Une exception existe lorsque l'opération assure la continuité de l'activité."),
    )
    social_utility = forms.MultipleChoiceField(
        label=_("Objectifs d'utilité sociale poursuivis (article 2 de la loi ESS)"),
        choices=SocialUtility.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    plein_droit = forms.ChoiceField(
        label=_("Votre structure fait-elle partie de l'une de ces catégories ?"),
        help_text=_(
            "Ces structures sont agréées ESUS de plein droit si leurs titres ne sont pas cotés."
        ),
        choices=PleinDroit.choices,
        required=False,
    )
    social_utility_main = _yes_no(
        _("L'utilité sociale est-elle l'objectif principal de la structure ?")
    )
    charges_pct = _percent(
        _("Part des charges d'exploitation liée aux activités d'utilité sociale (%)"),
        _("Sur les trois derniers exercices clos. Seuil : au moins 66 %."),
    )
    dividend_ratio_pct = _percent(
        _("Ou : ratio de rémunération du capital (%)"),
        _(
            "(Dividendes + rémunération des apports financiers non bancaires) / (capitaux "
            "propres + apports financiers non bancaires), sur les trois derniers exercices clos."
        ),
    )
    tmo_pct = _percent(
        _("Taux moyen de rendement des obligations des sociétés privées (TMO, %)"),
        _("Le ratio doit être inférieur au TMO + 5 points."),
    )
    securities_unlisted = _yes_no(
        _("Les titres de capital sont-ils hors de tout marché réglementé (non cotés) ?")
    )
    in_statutes = _yes_no(
        _(
            "L'objectif d'utilité sociale et les plafonds de rémunération figurent-ils dans les statuts ?"
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, TOP_PAYS_COUNTED + 1):
            self.fields[f"pay_{index}"] = NumberField(
                label=_("Rémunération annuelle brute n° %d (€)") % index,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                required=False,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    @property
    def commercial_fields(self):
        return [self[name] for name in COMMERCIAL_FIELDS]

    @property
    def pay_fields(self):
        return [self[f"pay_{i}"] for i in range(1, TOP_PAYS_COUNTED + 1)]

    def clean(self):
        data = super().clean()
        if data.get("legal_form") == LegalForm.COMMERCIAL:
            for name in COMMERCIAL_FIELDS:
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(
                        name,
                        _("Répondez à cette question : elle concerne les sociétés commerciales."),
                    )
        return data

    def structure_facts(self) -> StructureFacts:
        d = self.cleaned_data
        return StructureFacts(
            legal_form=d["legal_form"],
            purpose_beyond_profit=_as_bool(d["purpose_beyond_profit"]),
            democratic_governance=_as_bool(d["democratic_governance"]),
            profits_mostly_reinvested=_as_bool(d["profits_mostly_reinvested"]),
            reserves_undistributable=_as_bool(d["reserves_undistributable"]),
            development_fund_pct=d["development_fund_pct"],
            retained_and_reserves_pct=d["retained_and_reserves_pct"],
            no_capital_amortisation=_as_bool(d["no_capital_amortisation"]),
            social_utility=frozenset(d["social_utility"]),
        )

    def esus_facts(self, is_ess: bool | None) -> EsusFacts:
        d = self.cleaned_data
        pays = [d[f"pay_{i}"] for i in range(1, TOP_PAYS_COUNTED + 1)]
        return EsusFacts(
            is_ess=is_ess,
            plein_droit=d["plein_droit"],
            social_utility_main=_as_bool(d["social_utility_main"]),
            charges_pct=d["charges_pct"],
            dividend_ratio_pct=d["dividend_ratio_pct"],
            tmo_pct=d["tmo_pct"],
            pays=[Decimal(p) for p in pays if p is not None],
            securities_unlisted=_as_bool(d["securities_unlisted"]),
            in_statutes=_as_bool(d["in_statutes"]),
        )
