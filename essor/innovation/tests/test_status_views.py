"""The ESS / ESUS self-diagnosis through the view (client.post), on the legal test cases."""

from decimal import Decimal

import pytest

from essor.innovation.esus import SMIC_HORAIRE_BRUT, euros, smic_annual, smic_date_label
from essor.innovation.models import Assessment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.innovation.tests.urls")]
URL = "/innovation/autodiagnostic/ess-esus/"
CAP_7 = smic_annual() * 7
CAP_10 = smic_annual() * 10
CENT = Decimal("0.01")
SMIC_LABEL = f"{euros(SMIC_HORAIRE_BRUT)} brut de l'heure au {smic_date_label()}"


def typed(amount: Decimal, thousands: str = "") -> str:
    """An amount as a person types it: « 153138,16 » or « 153 138,16 »."""
    return f"{amount:,.2f}".replace(",", thousands).replace(".", ",")


SAS = {
    "legal_form": "societe_commerciale",
    "purpose_beyond_profit": "oui",
    "democratic_governance": "oui",
    "profits_mostly_reinvested": "oui",
    "reserves_undistributable": "oui",
    "development_fund_pct": "20",
    "retained_and_reserves_pct": "50",
    "no_capital_amortisation": "oui",
    "social_utility": ["fragilite"],
}
ESUS = {
    "social_utility_main": "oui",
    "charges_pct": "80",
    "securities_unlisted": "oui",
    "in_statutes": "oui",
    **{f"pay_{i}": "30000" for i in range(1, 6)},
}


def five(amount: str, top: str | None = None) -> dict:
    pays = {f"pay_{i}": amount for i in range(1, 6)}
    if top:
        pays["pay_1"] = top
    return pays


def verdicts(html: str) -> tuple[str, str]:
    """The two outcome tags shown (ESS, ESUS)."""
    import re

    tags = re.findall(r'<p class="decision-summary"><span class="tag">([^<]+)</span>', html)
    return tags[0], tags[1]


@pytest.mark.parametrize(
    "data, expected, fragment",
    [
        ({"legal_form": "association"}, ("Oui", "À compléter"), "par son statut"),
        ({"legal_form": "association", **ESUS}, ("Oui", "Oui"), "semble remplir"),
        ({"legal_form": "autre", **ESUS}, ("Non", "Non"), "réservé aux entreprises de l&#x27;ESS"),
        ({**SAS, **ESUS}, ("Oui", "Oui"), "20 % ≥ 20 %"),
        ({**SAS, "development_fund_pct": "19,5"}, ("Non", "Non"), "il manque 0,5 %"),
        ({**SAS, "social_utility": []}, ("Non", "Non"), "aucun des quatre objectifs"),
        ({**SAS, **ESUS, **five(typed(CAP_7))}, ("Oui", "Oui"), "ne dépasse pas 7 × SMIC"),
        ({**SAS, **ESUS, **five(typed(CAP_7 + CENT, " "))}, ("Oui", "Non"), "dépasse de 0,01"),
        (
            {**SAS, **ESUS, **five("50000", top=str(CAP_10))},
            ("Oui", "Oui"),
            "ne dépasse pas 10 × SMIC",
        ),
        (
            {**SAS, **ESUS, **five("50000", top=typed(CAP_10 + CENT))},
            ("Oui", "Non"),
            "le plafond de 10 × SMIC",
        ),
        (
            {**SAS, **ESUS, **five(""), "pay_1": "60000", "pay_3": "40000"},
            ("Oui", "Oui"),
            "2 rémunération(s)",
        ),
        ({**SAS, **ESUS, "charges_pct": "66"}, ("Oui", "Oui"), "66 % ≥ 66 %"),
        ({**SAS, **ESUS, "charges_pct": "65,9"}, ("Oui", "Non"), "65,9 % &lt; 66 %"),
        (
            {"legal_form": "association", "plein_droit": "ei", "securities_unlisted": "oui"},
            ("Oui", "Oui"),
            "de plein droit",
        ),
    ],
    ids=[
        "association",
        "association-esus",
        "autre-forme",
        "sas-toutes-conditions",
        "sas-fonds-19-5",
        "sas-sans-utilite-sociale",
        "exactement-7-smic",
        "juste-au-dessus-7-smic",
        "exactement-10-smic",
        "au-dessus-10-smic",
        "moins-de-5-remunerations",
        "charges-66",
        "charges-65-9",
        "plein-droit-siae",
    ],
)
def test_status_result_follows_the_law(client, data, expected, fragment):
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert verdicts(html) == expected
    assert fragment in html.replace("\u202f", " ").replace("\xa0", " ")
    assert SMIC_LABEL in html
    assert not Assessment.objects.exists()


def test_the_form_is_public_and_states_the_smic(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<legend>Forme juridique de la structure</legend>" in html
    assert SMIC_LABEL in html and "12,02 € brut de l'heure au 1er janvier 2026" in html


def test_a_commercial_company_must_answer_the_article_1_questions(client):
    response = client.post(URL, {"legal_form": "societe_commerciale"})
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_democratic_governance_0"' in html
    assert 'href="#id_development_fund_pct"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Erreur" in html


def test_missing_legal_form_is_an_error_linked_to_the_field(client):
    html = client.post(URL, {}).content.decode()
    assert 'href="#id_legal_form_0"' in html
    assert 'id="id_legal_form_error"' in html


def test_percentages_out_of_range_are_refused(client):
    html = client.post(URL, {**SAS, "development_fund_pct": "120"}).content.decode()
    assert 'href="#id_development_fund_pct"' in html
