"""Sirene tranches d'effectif salarié (`trancheEffectifsUniteLegale` / `…Etablissement`).

Codes and labels: INSEE, documentation of the Sirene variables (« Tranche d'effectif salarié »),
copy in ../shared/data/nomenclature_tranches_effectifs/ (Licence Ouverte); docs/domain.md §4.4.

Estimated employment (docs/domain.md §7.3, a DERIVED practice, not an INSEE method): each
establishment counts for the midpoint of its bracket, (minimum + maximum) / 2, e.g. 01 → 1.5,
31 → 224.5 (200 to 249; not 249.5 as one public script has it). Special cases:
- NN (unité non employeuse) → 0, as is 00 (no employee at 31/12);
- 53 (10 000 and more) has no upper bound → its lower bound 10 000, an underestimate;
- empty (non renseigné) or an unknown code → None: callers decide (count apart, or 0).
Brackets from 250 on are wide, so totals are very rough: show them as « estimation » with the
reference year (`anneeEffectifs…`), and prefer URSSAF / Flores aggregates for totals.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    minimum: int | None
    maximum: int | None
    midpoint: float
    rank: int


def _band(rank: int, code: str, label: str, low: int | None, high: int | None) -> Band:
    if low is None:
        midpoint = 0.0
    elif high is None:
        midpoint = float(low)
    else:
        midpoint = (low + high) / 2
    return Band(code, label, low, high, midpoint, rank)


BANDS: tuple[Band, ...] = (
    _band(0, "NN", "Unité non employeuse", None, None),
    _band(1, "00", "0 salarié", 0, 0),
    _band(2, "01", "1 ou 2 salariés", 1, 2),
    _band(3, "02", "3 à 5 salariés", 3, 5),
    _band(4, "03", "6 à 9 salariés", 6, 9),
    _band(5, "11", "10 à 19 salariés", 10, 19),
    _band(6, "12", "20 à 49 salariés", 20, 49),
    _band(7, "21", "50 à 99 salariés", 50, 99),
    _band(8, "22", "100 à 199 salariés", 100, 199),
    _band(9, "31", "200 à 249 salariés", 200, 249),
    _band(10, "32", "250 à 499 salariés", 250, 499),
    _band(11, "41", "500 à 999 salariés", 500, 999),
    _band(12, "42", "1 000 à 1 999 salariés", 1000, 1999),
    _band(13, "51", "2 000 à 4 999 salariés", 2000, 4999),
    _band(14, "52", "5 000 à 9 999 salariés", 5000, 9999),
    _band(15, "53", "10 000 salariés et plus", 10000, None),
)
BY_CODE: dict[str, Band] = {band.code: band for band in BANDS}

# Establishments with employees: every band but NN (00 employed someone during the year).
EMPLOYER_CODES = frozenset(code for code in BY_CODE if code != "NN")


def midpoint_for(code: str | None) -> float | None:
    """Estimated employees for a tranche code; None when empty or unknown."""
    band = BY_CODE.get((code or "").strip())
    return band.midpoint if band else None


def band_label(code: str | None) -> str:
    """French label of a tranche code, « Non renseigné » when empty, the code when unknown."""
    code = (code or "").strip()
    if not code:
        return "Non renseigné"
    band = BY_CODE.get(code)
    return band.label if band else code
