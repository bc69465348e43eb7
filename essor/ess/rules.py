"""ESS qualification of a legal unit: facts in, decision and French reasons out. No ORM.

Sources
- loi n° 2014-856 du 31 juillet 2014, art. 1er II (docs/domain.md §1.2): the ESS is made of
  coopératives, mutuelles, fondations, associations (1°) and of sociétés commerciales that meet
  the conditions of the law (2°); ESUS agreement, art. L. 3332-17-1 c. trav. (§1.8).
- INSEE approach (§3.1): a list of catégories juridiques, then NAF activities « réputées hors
  champ » are excluded; four families. Exact CJ list and NAF exclusions are unpublished.
- Sirene `economieSocialeSolidaireUniteLegale` and the Annuaire des Entreprises rule
  `est_ess = liste ESS France OR indicateur Sirene = O` (§3.3); ESUS and SIAE (§1.8, §5.4, §5.5).
- CJ → family table: `essor.ess.cj_table` (derived from §3.4, completed for all 260 codes).

Rules
- Family: from the catégorie juridique only (`family_for`). Unknown or empty CJ → hors_ess.
- Périmètre statistique (INSEE-like): family is one of the four statutory families AND the NAF
  code of the legal unit is not in `EXCLUDED_NAF`. Qualification sources play no part (INSEE does
  not count commercial ESS companies, §3.1).
- Périmètre loi 2014: family is one of the four statutory families (whatever the NAF code and the
  Sirene flag: membership comes from the statute, art. 1er II 1°), OR family is commercial AND at
  least one qualification source says ESS: Sirene flag `O`, ESS France list, ESUS agreement, or
  a SIAE convention (EI, ETTI, AI, ACI are ESUS « de plein droit », §1.8 — EITI assumed
  alike; switch: `SIAE_QUALIFIES`).
- A qualification source on a CJ that is neither a statutory family nor a commercial form (e.g.
  7410 GIP, 6585 SCP, 9900) does NOT put the unit in the loi 2014 perimeter: art. 1er II admits only
  those forms (public-law persons, sociétés civiles and entrepreneurs individuels cannot be ESS
  enterprises). The unit stays hors_ess, and a reason names the source and asks for a check, so
  such anomalies can be listed. Consequence: essor counts a few units fewer than the Annuaire des
  Entreprises rule (3 of the 3 375 flagged units of the digital-sector extract).

Open questions of docs/domain.md §3.4 and what essor decided (edit `cj_table` / constants here)
1. 9223 Groupement d'employeurs → association: by law (art. L. 1253-2 c. trav.) a groupement
   d'employeurs is an association déclarée (or a cooperative), GEIQ included. INSEE may put it
   elsewhere. 9224 AARPI (a contractual grouping of lawyers) → hors_ess. 9240 Congrégation →
   hors_ess (religious bodies, which INSEE also excludes through NAF 94.91Z).
2. Fonds de dotation: no CJ of their own; in Sirene they appear under 9300 (e.g. « FONDS DE
   DOTATION DU LIBRE », 924273345, in the digital-sector extract), so they are counted as fondation
   and cannot be told apart by the CJ.
3. 8510 Institution de prévoyance, 8520 Institution de retraite supplémentaire → hors_ess (joint
   employer/employee bodies under the code de la sécurité sociale, not mutuelles in the sense of
   art. 1er II 1°). 8140 Mutualité sociale agricole → hors_ess (social-security regime).
4. SICA: 5432 (SARL), 5532 and 5632 (SA) → commercial (company forms, ESS only if qualified; both
   units of the extract are flagged O); 6532 (société civile) → hors_ess. SICA are governed by
   their own title of the code rural, apart from coopératives agricoles.
5. INSEE's fifth family « autres organismes privés à but non lucratif » (Flores 2018+): not kept.
   Its CJ list is unknown (maybe 8310/8311 CSE, 84xx syndicats et ordres, 9150, 9900…); these
   stay hors_ess, so essor's statistical perimeter is smaller than those INSEE publications.
6. SCIC and SCOP constituted as SAS (5710) have no CJ of their own: family commercial, in the
   loi 2014 perimeter only through the Sirene flag, ESS France list, ESUS or SIAE; never in the
   statistical perimeter (INSEE cannot see them either).
7. NAF exclusions: `EXCLUDED_NAF` holds the commonly cited list (division 84, 94.11Z, 94.12Z,
   94.20Z, 94.91Z, 94.92Z); INSEE practice is UNCONFIRMED. They apply to NAF rév. 2 codes only and
   to the statistical perimeter only.
Other decisions: 5195 association coopérative inscrite (droit local) and 6100 Caisse d'épargne
→ cooperative (§3.4 banking); 3120 société commerciale étrangère immatriculée au RCS →
commercial; a Sirene flag `N` never removes a statutory family.
"""

from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from essor.ess.cj_table import parse_table
from essor.ess.enums import EssFamily

# NAF activities réputées hors champ for the statistical perimeter. UNCONFIRMED INSEE practice
# (docs/domain.md §3.1): edit here. Keys are prefixes of the dotted NAF rév. 2 code.
EXCLUDED_NAF: dict[str, str] = {
    "84": gettext_noop("administration publique et défense ; sécurité sociale obligatoire"),
    "94.11Z": gettext_noop("activités des organisations patronales et consulaires"),
    "94.12Z": gettext_noop("activités des organisations professionnelles"),
    "94.20Z": gettext_noop("activités des syndicats de salariés"),
    "94.91Z": gettext_noop("activités des organisations religieuses"),
    "94.92Z": gettext_noop("activités des organisations politiques"),
}

# A SIAE convention (ACI, AI, EI, ETTI, EITI) counts as an ESUS agreement (« de plein droit »).
SIAE_QUALIFIES = True

STATUTORY_FAMILIES = frozenset(
    {EssFamily.ASSOCIATION, EssFamily.COOPERATIVE, EssFamily.MUTUELLE, EssFamily.FONDATION}
)

FAMILY_WORDS = {
    EssFamily.ASSOCIATION: gettext_noop("association"),
    EssFamily.COOPERATIVE: gettext_noop("coopérative"),
    EssFamily.MUTUELLE: gettext_noop("mutuelle"),
    EssFamily.FONDATION: gettext_noop("fondation"),
    EssFamily.COMMERCIAL: gettext_noop("forme de société commerciale (ESS seulement si qualifiée)"),
    EssFamily.OUTSIDE: gettext_noop("hors ESS"),
}

_TABLE = {code: (EssFamily(family), label) for code, family, label in parse_table()}


class FactsLike(Protocol):
    """Anything with these attributes: `Facts`, or a `sirene.LegalUnit` row."""

    legal_category: str
    naf: str
    sirene_ess_flag: str
    in_ess_france_list: bool
    esus: bool
    siae_kind: str


@dataclass(frozen=True)
class Facts:
    legal_category: str = ""
    naf: str = ""
    sirene_ess_flag: str = ""  # 'O', 'N' or '' (economieSocialeSolidaireUniteLegale)
    in_ess_france_list: bool = False
    esus: bool = False
    siae_kind: str = ""  # '' or a SiaeKind value


@dataclass
class Qualification:
    family: EssFamily
    in_statistique: bool
    in_loi2014: bool
    reasons: list[str] = field(default_factory=list)


def cj_family_rows() -> list[tuple[str, str]]:
    """(catégorie juridique niveau III, family) for the 260 INSEE codes, for SQL pipelines."""
    return [(code, str(family)) for code, (family, _label) in _TABLE.items()]


def legal_category_family(legal_category: str | None) -> EssFamily:
    return _TABLE.get((legal_category or "").strip(), (EssFamily.OUTSIDE, ""))[0]


def family_for(legal_category: str | None) -> tuple[EssFamily, str]:
    """The family of a catégorie juridique and the French reason."""
    code = str(legal_category or "").strip()
    if not code:
        return EssFamily.OUTSIDE, _("catégorie juridique absente → hors ESS")
    if code not in _TABLE:
        return EssFamily.OUTSIDE, _(
            "catégorie juridique %(code)s inconnue de la nomenclature INSEE → hors ESS"
        ) % {"code": code}
    family, label = _TABLE[code]
    reason = _("catégorie juridique %(code)s, %(label)s → %(family)s") % {
        "code": code,
        "label": label,
        "family": _(FAMILY_WORDS[family]),
    }
    return family, reason


def naf_key(naf: str | None) -> str:
    """Comparable form of a NAF code: no dot, upper case (`94.11Z` and `9411z` → `9411Z`)."""
    return str(naf or "").strip().replace(".", "").upper()


def excluded_naf(naf: str | None) -> str | None:
    """The EXCLUDED_NAF entry matching `naf` (`84`, `94.11Z`…), or None."""
    key = naf_key(naf)
    if not key:
        return None
    for prefix in EXCLUDED_NAF:
        if key.startswith(naf_key(prefix)):
            return prefix
    return None


def _flag(facts: FactsLike) -> str:
    return str(facts.sirene_ess_flag or "").strip().upper()


def qualification_sources(facts: FactsLike) -> list[str]:
    """French names of the sources that say the unit is ESS (flag O, lists, agreements)."""
    sources = []
    if _flag(facts) == "O":
        sources.append(_("indicateur ESS Sirene = O"))
    if facts.in_ess_france_list:
        sources.append(_("liste ESS France"))
    if facts.esus:
        sources.append(_("agrément ESUS"))
    siae_kind = str(facts.siae_kind or "").strip()
    if SIAE_QUALIFIES and siae_kind:
        sources.append(
            _("SIAE conventionnée (%(kind)s, ESUS de plein droit)") % {"kind": siae_kind}
        )
    return sources


def _statistique(family: EssFamily, naf: str) -> tuple[bool, str]:
    if family not in STATUTORY_FAMILIES:
        return False, _("périmètre statistique : non, pas une des quatre familles de l'ESS")
    excluded = excluded_naf(naf)
    if excluded:
        return False, _(
            "périmètre statistique : non, activité %(naf)s (%(label)s) réputée hors champ"
        ) % {"naf": naf, "label": _(EXCLUDED_NAF[excluded])}
    activity = _("activité %(naf)s") % {"naf": naf} if naf else _("activité non renseignée")
    return True, _("périmètre statistique : oui, %(family)s (%(activity)s)") % {
        "family": _(FAMILY_WORDS[family]),
        "activity": activity,
    }


def _loi2014(family: EssFamily, facts: FactsLike) -> tuple[bool, list[str]]:
    sources = ", ".join(qualification_sources(facts))
    if family in STATUTORY_FAMILIES:
        reasons = [
            _("périmètre loi 2014 : oui, %(family)s (loi ESS, article 1er II 1°)")
            % {"family": _(FAMILY_WORDS[family])}
        ]
        if _flag(facts) == "N":
            reasons.append(
                _("indicateur ESS Sirene = N sans effet : l'appartenance découle du statut")
            )
        return True, reasons
    if family == EssFamily.COMMERCIAL and sources:
        return True, [
            _(
                "périmètre loi 2014 : oui, société commerciale de l'ESS (article 1er II 2°) "
                "selon : %(sources)s"
            )
            % {"sources": sources}
        ]
    if family == EssFamily.COMMERCIAL:
        return False, [
            _(
                "périmètre loi 2014 : non, société commerciale sans indicateur ESS Sirene, "
                "ni liste ESS France, ni agrément ESUS, ni convention SIAE"
            )
        ]
    if sources:
        return False, [
            _(
                "périmètre loi 2014 : non malgré %(sources)s : la catégorie juridique n'est ni "
                "une famille de l'ESS ni une société commerciale (à vérifier)"
            )
            % {"sources": sources}
        ]
    return False, [_("périmètre loi 2014 : non")]


def qualify(facts: FactsLike) -> Qualification:
    """Family, both perimeters and the reasons, for one legal unit (rules: module docstring)."""
    family, reason = family_for(facts.legal_category)
    in_statistique, statistique_reason = _statistique(family, str(facts.naf or "").strip())
    in_loi2014, loi2014_reasons = _loi2014(family, facts)
    return Qualification(
        family, in_statistique, in_loi2014, [reason, statistique_reason, *loi2014_reasons]
    )
