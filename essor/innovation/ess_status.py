"""Does a structure belong to the ESS (loi n° 2014-856 du 31 juillet 2014, art. 1er and 2)?
Facts in, decision and French reasons out; no ORM (docs/domain.md §1.1–1.4).

- Associations, coopératives, mutuelles and fondations belong to the ESS by their legal form
  (art. 1er II 1°).
- A société commerciale belongs to it when its statutes meet the conditions of art. 1er I (a goal
  other than sharing profits, democratic governance, profits mostly reinvested, undistributable
  reserves), the management rules of art. 1er II 2° c (≥ 20 % of profits to the « fonds de
  développement », ≥ 50 % to retained earnings and compulsory reserves, no amortisation of capital
  nor reduction not motivated by losses) and it seeks a social utility in the sense of art. 2.
- Any other form (société civile, entreprise individuelle, personne publique…) does not.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essor.innovation.decision import Decision, Reason, combine

DEVELOPMENT_FUND_MIN_PCT = Decimal(20)
RETAINED_AND_RESERVES_MIN_PCT = Decimal(50)


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", gettext_lazy("Association")
    COOPERATIVE = "cooperative", gettext_lazy("Coopérative (SCOP, SCIC, coopérative agricole…)")
    MUTUELLE = "mutuelle", gettext_lazy("Mutuelle ou société d'assurance mutuelle")
    FONDATION = "fondation", gettext_lazy("Fondation")
    COMMERCIAL = "societe_commerciale", gettext_lazy("Société commerciale (SAS, SARL, SA…)")
    OTHER = "autre", gettext_lazy("Autre (société civile, entreprise individuelle…)")


STATUTORY_FORMS = {
    LegalForm.ASSOCIATION,
    LegalForm.COOPERATIVE,
    LegalForm.MUTUELLE,
    LegalForm.FONDATION,
}


class SocialUtility(models.TextChoices):
    """The four goals of art. 2 (wording of the loi PACTE, 2019), summarised."""

    FRAGILE = (
        "fragilite",
        gettext_lazy(
            "Soutenir des personnes en situation de fragilité ou lutter contre leur exclusion"
        ),
    )
    COHESION = (
        "cohesion",
        gettext_lazy("Préserver et développer le lien social, maintenir la cohésion territoriale"),
    )
    CITIZENSHIP = (
        "citoyennete",
        gettext_lazy("Éduquer à la citoyenneté et réduire les inégalités sociales et culturelles"),
    )
    SUSTAINABLE = (
        "developpement_durable",
        gettext_lazy(
            "Développement durable, transition énergétique, promotion culturelle ou solidarité "
            "internationale, avec aussi un effet sur les publics vulnérables, les solidarités "
            "territoriales ou l'éducation à la citoyenneté"
        ),
    )


@dataclass(frozen=True)
class StructureFacts:
    legal_form: str
    purpose_beyond_profit: bool | None = None
    democratic_governance: bool | None = None
    profits_mostly_reinvested: bool | None = None
    reserves_undistributable: bool | None = None
    development_fund_pct: Decimal | None = None
    retained_and_reserves_pct: Decimal | None = None
    no_capital_amortisation: bool | None = None
    social_utility: frozenset[str] = field(default_factory=frozenset)


def pct(value: Decimal) -> str:
    return f"{number_format(value, decimal_pos=None, use_l10n=True)} %"


def _yes_no(value: bool | None, condition: str) -> Reason:
    if value is None:
        return Reason(None, _("Non renseigné : %s.") % condition)
    if value:
        return Reason(True, _("Condition remplie : %s.") % condition)
    return Reason(False, _("Condition non remplie : %s.") % condition)


def _minimum(value: Decimal | None, minimum: Decimal, condition: str) -> Reason:
    if value is None:
        return Reason(None, _("Non renseigné : %s.") % condition)
    values = {"condition": condition, "value": pct(value), "min": pct(minimum)}
    if value >= minimum:
        return Reason(True, _("Condition remplie : %(condition)s (%(value)s ≥ %(min)s).") % values)
    values["gap"] = pct(minimum - value)
    return Reason(
        False,
        _(
            "Condition non remplie : %(condition)s (%(value)s prévus, minimum %(min)s : "
            "il manque %(gap)s)."
        )
        % values,
    )


def social_utility_reason(goals: frozenset[str]) -> Reason:
    if not goals:
        return Reason(
            False,
            _(
                "Condition non remplie : rechercher une utilité sociale au sens de l'article 2 "
                "(aucun des quatre objectifs n'a été coché)."
            ),
        )
    labels = "; ".join(str(SocialUtility(g).label).lower() for g in sorted(goals))
    return Reason(
        True,
        _("Condition remplie : utilité sociale recherchée au sens de l'article 2 (%s).") % labels,
    )


def commercial_reasons(facts: StructureFacts) -> list[Reason]:
    return [
        _yes_no(
            facts.purpose_beyond_profit,
            _("un but poursuivi autre que le seul partage des bénéfices"),
        ),
        _yes_no(
            facts.democratic_governance,
            _(
                "une gouvernance démocratique prévue par les statuts, qui ne dépend pas du seul capital"
            ),
        ),
        _yes_no(
            facts.profits_mostly_reinvested,
            _(
                "des bénéfices majoritairement consacrés au maintien ou au développement de l'activité"
            ),
        ),
        _yes_no(
            facts.reserves_undistributable,
            _("des réserves obligatoires impartageables, qui ne peuvent pas être distribuées"),
        ),
        _minimum(
            facts.development_fund_pct,
            DEVELOPMENT_FUND_MIN_PCT,
            _("part des bénéfices de l'exercice affectée au fonds de développement"),
        ),
        _minimum(
            facts.retained_and_reserves_pct,
            RETAINED_AND_RESERVES_MIN_PCT,
            _("part des bénéfices affectée au report bénéficiaire et aux réserves obligatoires"),
        ),
        _yes_no(
            facts.no_capital_amortisation,
            _(
                "interdiction d'amortir le capital et de le réduire pour une autre raison que des "
                "pertes (sauf continuité de l'activité)"
            ),
        ),
        social_utility_reason(facts.social_utility),
    ]


def evaluate_ess(facts: StructureFacts) -> Decision:
    """Whether the structure belongs to the ESS in the sense of art. 1er of the loi ESS."""
    form = facts.legal_form
    if form in STATUTORY_FORMS:
        label = str(LegalForm(form).label)
        reason = Reason(
            True,
            _(
                "Forme juridique « %s » : elle fait partie de l'ESS par son statut "
                "(loi ESS, art. 1er II 1°)."
            )
            % label,
        )
        return Decision(True, _("Votre structure relève de l'ESS."), [reason])
    if form != LegalForm.COMMERCIAL:
        reason = Reason(
            False,
            _(
                "Seules les associations, coopératives, mutuelles, fondations et les sociétés "
                "commerciales qui remplissent les conditions de la loi relèvent de l'ESS "
                "(art. 1er II) ; une société civile, une entreprise individuelle ou une personne "
                "publique n'en relève pas."
            ),
        )
        return Decision(False, _("Votre structure ne relève pas de l'ESS."), [reason])
    reasons = commercial_reasons(facts)
    outcome = combine(reasons)
    notes = [
        _(
            "Une société commerciale de l'ESS doit inscrire ces règles dans ses statuts et "
            "être immatriculée au registre du commerce avec la mention de la qualité "
            "d'entreprise de l'ESS."
        ),
        _(
            "Le prélèvement de 20 % pour le fonds de développement s'applique tant que le total "
            "des réserves n'atteint pas le cinquième du capital social."
        ),
    ]
    summary = {
        True: _("Votre société commerciale peut relever de l'ESS."),
        False: _("Votre société commerciale ne relève pas de l'ESS en l'état de ses statuts."),
        None: _(
            "Les réponses ne suffisent pas pour conclure : complétez les conditions manquantes."
        ),
    }[outcome]
    return Decision(outcome, summary, reasons, notes)
