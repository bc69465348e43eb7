"""The ESS and ESUS rules on a table of cases taken from the legal conditions (pure functions)."""

import datetime
from dataclasses import replace
from decimal import Decimal as D

import pytest

from essor.innovation.ess_status import StructureFacts, evaluate_ess
from essor.innovation.esus import (
    SMIC_DATE,
    SMIC_HORAIRE_BRUT,
    EsusFacts,
    evaluate_esus,
    smic_annual,
)

SAS_OK = StructureFacts(
    legal_form="societe_commerciale",
    purpose_beyond_profit=True,
    democratic_governance=True,
    profits_mostly_reinvested=True,
    reserves_undistributable=True,
    development_fund_pct=D(20),
    retained_and_reserves_pct=D(50),
    no_capital_amortisation=True,
    social_utility=frozenset({"cohesion"}),
)
ESUS_OK = EsusFacts(
    is_ess=True,
    social_utility_main=True,
    charges_pct=D(80),
    pays=[D(30000)] * 5,
    securities_unlisted=True,
    in_statutes=True,
)
CAP_7 = smic_annual() * 7
CAP_10 = smic_annual() * 10


def test_annual_smic_is_hourly_times_151_67_times_12():
    assert (SMIC_HORAIRE_BRUT, SMIC_DATE) == (D("12.02"), datetime.date(2026, 1, 1))
    assert smic_annual() == D("21876.88")  # 12,02 × 151,67 × 12 = 21 876,8808
    assert CAP_7 == D("153138.16")
    assert CAP_10 == D("218768.80")


@pytest.mark.parametrize(
    "facts, expected, fragment",
    [
        (StructureFacts("association"), True, "par son statut"),
        (StructureFacts("cooperative"), True, "par son statut"),
        (StructureFacts("mutuelle"), True, "par son statut"),
        (StructureFacts("fondation"), True, "par son statut"),
        (StructureFacts("autre"), False, "société civile"),
        (SAS_OK, True, "20 % ≥ 20 %"),
        (replace(SAS_OK, development_fund_pct=D("19.5")), False, "il manque 0,5 %"),
        (replace(SAS_OK, retained_and_reserves_pct=D(49)), False, "minimum 50 %"),
        (replace(SAS_OK, democratic_governance=False), False, "gouvernance démocratique"),
        (replace(SAS_OK, purpose_beyond_profit=False), False, "seul partage des bénéfices"),
        (replace(SAS_OK, profits_mostly_reinvested=False), False, "majoritairement"),
        (replace(SAS_OK, reserves_undistributable=False), False, "impartageables"),
        (replace(SAS_OK, no_capital_amortisation=False), False, "amortir le capital"),
        (replace(SAS_OK, social_utility=frozenset()), False, "aucun des quatre objectifs"),
        (replace(SAS_OK, democratic_governance=None), None, "Non renseigné"),
    ],
    ids=[
        "association",
        "cooperative",
        "mutuelle",
        "fondation",
        "autre-forme",
        "sas-toutes-conditions",
        "sas-fonds-developpement-19-5",
        "sas-report-49",
        "sas-gouvernance",
        "sas-but-lucratif",
        "sas-benefices",
        "sas-reserves",
        "sas-amortissement",
        "sas-sans-utilite-sociale",
        "sas-incomplete",
    ],
)
def test_ess_membership(facts, expected, fragment):
    decision = evaluate_ess(facts)
    assert decision.outcome is expected
    assert any(fragment in reason.text for reason in decision.reasons), decision.reasons


def pays(*amounts):
    return [D(a) for a in amounts]


@pytest.mark.parametrize(
    "changes, expected, fragment",
    [
        ({}, True, "ne dépasse pas 7 × SMIC"),
        ({"pays": [CAP_7] * 5}, True, "moyenne des 5 rémunérations les plus élevées, 153"),
        (
            {"pays": [CAP_7] * 4 + [CAP_7 + D("0.05")]},
            False,
            "dépasse de 0,01 € le plafond de 7 × SMIC",
        ),
        ({"pays": pays(CAP_10, 50000, 50000, 50000, 50000)}, True, "ne dépasse pas 10 × SMIC"),
        (
            {"pays": pays(CAP_10 + D("0.01"), 50000, 50000, 50000, 50000)},
            False,
            "dépasse de 0,01 € le plafond de 10 × SMIC",
        ),
        ({"pays": pays(60000, 40000)}, True, "moyenne des 2 rémunérations"),
        ({"pays": pays(40000, 30000, 20000, 20000, 20000, 300000)}, False, "10 × SMIC"),
        ({"pays": []}, None, "rémunérations annuelles les plus élevées"),
        ({"charges_pct": D(66)}, True, "66 % ≥ 66 %"),
        ({"charges_pct": D("65.9")}, False, "65,9 % < 66 %"),
        ({"charges_pct": None}, None, "compte de résultat"),
        ({"charges_pct": None, "dividend_ratio_pct": D(6), "tmo_pct": D(2)}, True, "6 % <"),
        ({"charges_pct": None, "dividend_ratio_pct": D(7), "tmo_pct": D(2)}, False, "7 % ≥"),
        ({"charges_pct": D(50), "dividend_ratio_pct": D(1), "tmo_pct": D(2)}, True, "1 % <"),
        ({"social_utility_main": False}, False, "objectif principal"),
        ({"securities_unlisted": False}, False, "non cotés"),
        ({"in_statutes": False}, False, "dans les statuts"),
        ({"is_ess": False}, False, "réservé aux entreprises de l'ESS"),
        ({"is_ess": False, "plein_droit": "ei"}, True, "de plein droit"),
        ({"plein_droit": "esat", "securities_unlisted": False}, False, "non cotés"),
        ({"plein_droit": "aci", "securities_unlisted": None}, None, "non cotés"),
    ],
    ids=[
        "toutes-conditions",
        "moyenne-exactement-7-smic",
        "moyenne-juste-au-dessus-7-smic",
        "plus-haute-exactement-10-smic",
        "plus-haute-au-dessus-10-smic",
        "moins-de-5-remunerations",
        "six-saisies-les-5-plus-hautes",
        "aucune-remuneration",
        "charges-66",
        "charges-65-9",
        "impact-non-renseigne",
        "ratio-dividendes-sous-tmo-plus-5",
        "ratio-dividendes-au-dessus",
        "un-test-suffit",
        "utilite-sociale-secondaire",
        "titres-cotes",
        "pas-dans-les-statuts",
        "hors-ess",
        "plein-droit-siae",
        "plein-droit-esat-cote",
        "plein-droit-cotation-inconnue",
    ],
)
def test_esus_agreement(changes, expected, fragment):
    decision = evaluate_esus(replace(ESUS_OK, **changes))
    assert decision.outcome is expected
    texts = [reason.text for reason in decision.reasons] + [decision.summary]
    assert any(fragment in text for text in texts), texts


def test_fewer_than_five_pays_are_averaged_with_a_note():
    decision = evaluate_esus(replace(ESUS_OK, pays=pays(60000, 40000)))
    assert any(
        "50 000,00 €" in r.text.replace("\u202f", " ").replace("\xa0", " ")
        for r in decision.reasons
    )
    assert any("2 rémunération(s)" in note for note in decision.notes)


def test_the_smic_used_is_stated():
    decision = evaluate_esus(ESUS_OK)
    assert any("12,02 €" in note and "1er janvier 2026" in note for note in decision.notes)
