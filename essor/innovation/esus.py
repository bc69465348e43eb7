"""Can a structure be agreed « entreprise solidaire d'utilité sociale » (ESUS)?
Art. L. 3332-17-1 du code du travail, décret n° 2015-719 (docs/domain.md §1.8). Facts in, decision
and French reasons out; no ORM.

Conditions, all required, for an enterprise of the ESS (art. 1er of the loi ESS):
1. social utility (art. 2) is its main objective;
2. that objective weighs significantly on its profit and loss account: operating charges of the
   social-utility activities ≥ 66 % of operating charges over the last 3 closed years, OR the
   ratio (dividends + pay of non-bank financial contributions) / (equity + those contributions)
   over the same years < average yield of private-company bonds (TMO) + 5 points;
3. pay policy: the average of the 5 highest annual pays (employees or managers) ≤ 7 × the annual
   SMIC for legal working time, and the highest ≤ 10 × that SMIC;
4. its equity securities are not listed on a regulated market;
5. conditions 1 and 3 appear in its statutes.
Some structures are agreed « de plein droit » provided condition 4 is met (SIAE, EA, ESAT…).

SMIC: the hourly value and its date are constants below; the annual amount is
hourly × 151,67 h × 12 months, rounded to the cent (21 876,88 € for 12,02 €; the official monthly
amount, rounded first, gives 21 876,36 €). 12,02 € brut from 1 January 2026 (+1,18 % from 11,88 €
on 1 November 2024), as announced by the ministère du Travail and reported by several legal and
payroll news pages (December 2025); docs/domain.md gives no figure. The value must be checked
against the official source (service-public.fr, Légifrance décret) and updated at each revaluation.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essor.innovation.decision import Decision, Reason, combine
from essor.innovation.ess_status import pct

SMIC_HORAIRE_BRUT = Decimal("12.02")
SMIC_DATE = datetime.date(2026, 1, 1)
LEGAL_MONTHLY_HOURS = Decimal("151.67")
AVERAGE_PAY_CAP = 7
TOP_PAY_CAP = 10
TOP_PAYS_COUNTED = 5
CHARGES_MIN_PCT = Decimal(66)
DIVIDEND_MARGIN_POINTS = Decimal(5)
CENT = Decimal("0.01")


class PleinDroit(models.TextChoices):
    """Structures agreed ESUS « de plein droit » (art. L. 3332-17-1 II c. trav.)."""

    NONE = "", gettext_lazy("Aucune de ces catégories")
    EI = "ei", gettext_lazy("Entreprise d'insertion (EI)")
    ETTI = "etti", gettext_lazy("Entreprise de travail temporaire d'insertion (ETTI)")
    AI = "ai", gettext_lazy("Association intermédiaire (AI)")
    ACI = "aci", gettext_lazy("Atelier et chantier d'insertion (ACI)")
    EA = "ea", gettext_lazy("Entreprise adaptée (EA)")
    ESAT = "esat", gettext_lazy("Établissement ou service d'aide par le travail (ESAT)")
    CHRS = "chrs", gettext_lazy("Centre d'hébergement et de réinsertion sociale (CHRS)")
    REGIE = "regie", gettext_lazy("Régie de quartier")
    INSERTION = (
        "insertion",
        gettext_lazy(
            "Organisme d'insertion sociale (art. L. 121-2 du code de l'action sociale et des familles)"
        ),
    )
    ASE = "ase", gettext_lazy("Service de l'aide sociale à l'enfance")
    CDTD = "cdtd", gettext_lazy("Centre de distribution de travail à domicile")
    LOGEMENT = (
        "logement",
        gettext_lazy(
            "Organisme agréé au titre de l'article L. 365-1 du code de la construction et de "
            "l'habitation"
        ),
    )
    OACAS = (
        "oacas",
        gettext_lazy(
            "Organisme agréé au titre de l'article L. 265-1 du code de l'action sociale et des familles"
        ),
    )
    RUP = "rup", gettext_lazy("Association ou fondation reconnue d'utilité publique")
    HANDICAP = (
        "handicap",
        gettext_lazy("Établissement ou service accueillant des enfants ou adultes handicapés"),
    )


@dataclass(frozen=True)
class EsusFacts:
    is_ess: bool | None
    plein_droit: str = ""
    social_utility_main: bool | None = None
    charges_pct: Decimal | None = None
    dividend_ratio_pct: Decimal | None = None
    tmo_pct: Decimal | None = None
    pays: list[Decimal] = field(default_factory=list)
    securities_unlisted: bool | None = None
    in_statutes: bool | None = None


def smic_annual() -> Decimal:
    """Annual gross SMIC for the legal working time: hourly × 151,67 × 12, to the cent."""
    return (SMIC_HORAIRE_BRUT * LEGAL_MONTHLY_HOURS * 12).quantize(CENT, ROUND_HALF_UP)


def smic_date_label() -> str:
    """« 1er janvier 2026 »."""
    day = "1er" if SMIC_DATE.day == 1 else str(SMIC_DATE.day)
    return f"{day} {date_format(SMIC_DATE, 'F Y')}"


def euros(value: Decimal) -> str:
    return f"{number_format(value, 2, use_l10n=True, force_grouping=True)} €"


def _flag(value: bool | None, condition: str) -> Reason:
    if value is None:
        return Reason(None, _("Non renseigné : %s.") % condition)
    template = _("Condition remplie : %s.") if value else _("Condition non remplie : %s.")
    return Reason(value, template % condition)


def _cap(amount: Decimal, multiple: int, what: str) -> Reason:
    cap = smic_annual() * multiple
    values = {"what": what, "amount": euros(amount), "cap": euros(cap), "n": multiple}
    if amount <= cap:
        return Reason(
            True,
            _("Condition remplie : %(what)s, %(amount)s, ne dépasse pas %(n)s × SMIC (%(cap)s).")
            % values,
        )
    values["excess"] = euros(amount - cap)
    return Reason(
        False,
        _(
            "Condition non remplie : %(what)s, %(amount)s, dépasse de %(excess)s le plafond de "
            "%(n)s × SMIC (%(cap)s)."
        )
        % values,
    )


def pay_reasons(pays: list[Decimal]) -> tuple[list[Reason], list[str]]:
    """The two pay caps, computed on the highest annual pays entered."""
    entered = sorted((p for p in pays if p is not None and p > 0), reverse=True)
    if not entered:
        return [
            Reason(None, _("Non renseigné : les rémunérations annuelles les plus élevées."))
        ], []
    top = entered[:TOP_PAYS_COUNTED]
    average = (sum(top) / len(top)).quantize(CENT, ROUND_HALF_UP)
    what = _("la moyenne des %d rémunérations les plus élevées") % len(top)
    reasons = [
        _cap(average, AVERAGE_PAY_CAP, what),
        _cap(top[0], TOP_PAY_CAP, _("la rémunération la plus élevée")),
    ]
    notes = []
    if len(top) < TOP_PAYS_COUNTED:
        notes.append(
            _(
                "Vous avez saisi %(n)d rémunération(s) : la moyenne porte sur celles-ci. Si la "
                "structure compte au moins cinq salariés ou dirigeants rémunérés, saisissez les "
                "cinq rémunérations les plus élevées."
            )
            % {"n": len(top)}
        )
    return reasons, notes


def impact_reason(facts: EsusFacts) -> Reason:
    """Condition 2: either test is enough."""
    tests: list[tuple[bool, str]] = []
    if facts.charges_pct is not None:
        ok = facts.charges_pct >= CHARGES_MIN_PCT
        text = _(
            "charges d'exploitation des activités d'utilité sociale : %(value)s %(op)s %(min)s"
        )
        values = {"value": pct(facts.charges_pct), "op": "≥" if ok else "<"}
        tests.append((ok, text % {**values, "min": pct(CHARGES_MIN_PCT)}))
    if facts.dividend_ratio_pct is not None and facts.tmo_pct is not None:
        limit = facts.tmo_pct + DIVIDEND_MARGIN_POINTS
        ok = facts.dividend_ratio_pct < limit
        text = _("rémunération du capital : %(value)s %(op)s TMO + 5 points (%(limit)s)")
        values = {"value": pct(facts.dividend_ratio_pct), "op": "<" if ok else "≥"}
        tests.append((ok, text % {**values, "limit": pct(limit)}))
    if not tests:
        return Reason(
            None,
            _(
                "Non renseigné : impact significatif de l'utilité sociale sur le compte de "
                "résultat (part des charges d'exploitation ou ratio de rémunération du capital)."
            ),
        )
    details = " ; ".join(text for _ok, text in tests)
    if any(ok for ok, _text in tests):
        return Reason(
            True, _("Condition remplie : impact sur le compte de résultat (%s).") % details
        )
    return Reason(
        False,
        _(
            "Condition non remplie : impact sur le compte de résultat (%s) ; il suffit que l'un "
            "des deux tests soit rempli sur les trois derniers exercices clos."
        )
        % details,
    )


def _securities(facts: EsusFacts) -> Reason:
    return _flag(
        facts.securities_unlisted,
        _("titres de capital non cotés sur un marché réglementé"),
    )


def evaluate_esus(facts: EsusFacts) -> Decision:
    """Whether the structure can be agreed ESUS, with the reasons and, for pay, by how much."""
    if facts.plein_droit:
        label = str(PleinDroit(facts.plein_droit).label)
        reasons = [
            Reason(True, _("« %s » : agrément ESUS de plein droit.") % label),
            _securities(facts),
        ]
        outcome = combine(reasons)
        summary = {
            True: _("Votre structure bénéficie de l'agrément ESUS de plein droit."),
            False: _("Pas d'agrément de plein droit : les titres de capital sont cotés."),
            None: _("Agrément de plein droit si les titres de capital ne sont pas cotés."),
        }[outcome]
        return Decision(outcome, summary, reasons)
    ess = _flag(facts.is_ess, _("relever de l'ESS au sens de l'article 1er de la loi ESS"))
    if facts.is_ess is False:
        return Decision(False, _("L'agrément ESUS est réservé aux entreprises de l'ESS."), [ess])
    pays, notes = pay_reasons(facts.pays)
    reasons = [
        ess,
        _flag(facts.social_utility_main, _("l'utilité sociale est l'objectif principal")),
        impact_reason(facts),
        *pays,
        _securities(facts),
        _flag(
            facts.in_statutes,
            _(
                "l'objectif d'utilité sociale et la politique de rémunération figurent dans les statuts"
            ),
        ),
    ]
    outcome = combine(reasons)
    notes.append(
        _(
            "SMIC retenu : %(hourly)s brut de l'heure au %(date)s, soit %(annual)s par an (151,67 h × 12)."
        )
        % {
            "hourly": euros(SMIC_HORAIRE_BRUT),
            "date": smic_date_label(),
            "annual": euros(smic_annual()),
        }
    )
    summary = {
        True: _("Votre structure semble remplir les conditions de l'agrément ESUS."),
        False: _("Votre structure ne remplit pas toutes les conditions de l'agrément ESUS."),
        None: _("Les réponses ne suffisent pas pour conclure sur l'agrément ESUS."),
    }[outcome]
    return Decision(outcome, summary, reasons, notes)
