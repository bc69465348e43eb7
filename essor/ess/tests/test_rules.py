import csv

import pytest

from essor.ess.enums import EssFamily
from essor.ess.rules import (
    EXCLUDED_NAF,
    Facts,
    cj_family_rows,
    excluded_naf,
    family_for,
    qualify,
)

A, C, M, F = "association", "cooperative", "mutuelle", "fondation"
COM, OUT = "commercial", "hors_ess"


@pytest.mark.parametrize(
    ("cj", "family"),
    [
        ("9220", A),
        ("9210", A),
        ("9221", A),
        ("9222", A),
        ("9223", A),
        ("9230", A),
        ("9260", A),
        ("9224", OUT),
        ("9240", OUT),
        ("9300", F),
        ("8210", M),
        ("8250", M),
        ("8290", M),
        ("6411", M),
        ("8510", OUT),
        ("8520", OUT),
        ("5458", C),
        ("5460", C),
        ("5558", C),
        ("5658", C),
        ("5547", C),
        ("5195", C),
        ("5192", C),
        ("6100", C),
        ("6595", C),
        ("6596", C),
        ("6316", C),
        ("6317", C),
        ("6318", C),
        ("6560", C),
        ("5710", COM),
        ("5499", COM),
        ("5599", COM),
        ("5699", COM),
        ("5202", COM),
        ("5306", COM),
        ("5308", COM),
        ("5800", COM),
        ("3120", COM),
        ("5432", COM),
        ("5532", COM),
        ("6532", OUT),
        ("1000", OUT),
        ("7344", OUT),
        ("7361", OUT),
        ("7410", OUT),
        ("8410", OUT),
        ("8310", OUT),
        ("9110", OUT),
        ("9900", OUT),
        ("6540", OUT),
        ("0000", OUT),
    ],
)
def test_family_of_legal_category(cj, family):
    assert family_for(cj)[0] == family


def test_reason_names_code_label_and_family():
    assert family_for("5458") == (
        EssFamily.COOPERATIVE,
        "catégorie juridique 5458, SARL coopérative de production (SCOP) → coopérative",
    )
    assert family_for("")[1] == "catégorie juridique absente → hors ESS"
    assert family_for("1234")[1] == (
        "catégorie juridique 1234 inconnue de la nomenclature INSEE → hors ESS"
    )
    assert family_for(" 9220 ")[0] == EssFamily.ASSOCIATION


def test_table_covers_exactly_the_official_niveau_iii_codes_with_their_labels(shared_data):
    path = shared_data / "nomenclature_categories_juridiques" / "categories_juridiques_niveau3.csv"
    with path.open(encoding="utf-8") as handle:
        official = {
            row["code_niveau3"]: " ".join(row["libelle_niveau3"].split())
            for row in csv.DictReader(handle)
        }
    rows = cj_family_rows()
    assert len(rows) == len(official) == 260
    assert {cj for cj, _ in rows} == set(official)
    assert {family for _, family in rows} <= set(EssFamily.values)
    for cj in official:
        assert family_for(cj)[1].startswith(f"catégorie juridique {cj}, {official[cj]} → ")


def test_every_cooperative_label_says_cooperative_or_is_a_banking_form():
    banking = {"5191", "5193", "5194", "6100", "6595", "6596"}
    for cj, family in cj_family_rows():
        label = family_for(cj)[1].lower()
        if family == C and cj not in banking:
            assert "coop" in label, cj
        if "coopérative" in label and family != C:
            pytest.fail(f"{cj} is labelled cooperative but mapped to {family}")


@pytest.mark.parametrize(
    ("naf", "excluded"),
    [
        ("84.11Z", "84"),
        ("8411Z", "84"),
        ("84.30C", "84"),
        ("94.11Z", "94.11Z"),
        ("94.20Z", "94.20Z"),
        ("94.91Z", "94.91Z"),
        ("94.92Z", "94.92Z"),
        ("94.99Z", None),
        ("88.99B", None),
        ("", None),
        (None, None),
    ],
)
def test_excluded_naf(naf, excluded):
    assert excluded_naf(naf) == excluded


def test_excluded_naf_is_the_documented_list():
    assert set(EXCLUDED_NAF) == {"84", "94.11Z", "94.12Z", "94.20Z", "94.91Z", "94.92Z"}


# (facts, family, in_statistique, in_loi2014)
PERIMETERS = [
    (Facts("9220", "88.99B", "O"), A, True, True),
    (Facts("9220", "88.99B", "N"), A, True, True),
    (Facts("9220", "88.99B", ""), A, True, True),
    (Facts("9220", "94.20Z", "O"), A, False, True),
    (Facts("9220", "94.91Z"), A, False, True),
    (Facts("9220", "84.11Z"), A, False, True),
    (Facts("9220", ""), A, True, True),
    (Facts("5458", "62.01Z", ""), C, True, True),
    (Facts("6317", "01.61Z", "N"), C, True, True),
    (Facts("8210", "65.12Z"), M, True, True),
    (Facts("9300", "88.99B"), F, True, True),
    (Facts("5710", "62.01Z", "O"), COM, False, True),
    (Facts("5710", "62.01Z", "N"), COM, False, False),
    (Facts("5710", "62.01Z", ""), COM, False, False),
    (Facts("5710", "62.01Z", "", in_ess_france_list=True), COM, False, True),
    (Facts("5710", "62.01Z", "N", esus=True), COM, False, True),
    (Facts("5499", "78.20Z", "", siae_kind="ETTI"), COM, False, True),
    (Facts("5710", "84.11Z", "O"), COM, False, True),
    (Facts("7410", "63.11Z", "O"), OUT, False, False),
    (Facts("7344", "84.11Z", "O", in_ess_france_list=True, esus=True), OUT, False, False),
    (Facts("6585", "62.01Z", "O"), OUT, False, False),
    (Facts("1000", "62.01Z", ""), OUT, False, False),
    (Facts("", "62.01Z", "O", in_ess_france_list=True), OUT, False, False),
]


@pytest.mark.parametrize(("facts", "family", "statistique", "loi2014"), PERIMETERS)
def test_perimeters(facts, family, statistique, loi2014):
    result = qualify(facts)
    assert (result.family, result.in_statistique, result.in_loi2014) == (
        family,
        statistique,
        loi2014,
    )


def test_reasons_explain_each_decision():
    reasons = qualify(Facts("5710", "62.01Z", "O", in_ess_france_list=True)).reasons
    assert reasons == [
        "catégorie juridique 5710, SAS, société par actions simplifiée → forme de société "
        "commerciale (ESS seulement si qualifiée)",
        "périmètre statistique : non, pas une des quatre familles de l'ESS",
        "périmètre loi 2014 : oui, société commerciale de l'ESS (article 1er II 2°) selon : "
        "indicateur ESS Sirene = O, liste ESS France",
    ]
    reasons = qualify(Facts("9220", "94.20Z", "N")).reasons
    assert (
        "périmètre statistique : non, activité 94.20Z (activités des syndicats de salariés) "
        "réputée hors champ"
    ) in reasons
    assert "indicateur ESS Sirene = N sans effet : l'appartenance découle du statut" in reasons
    anomaly = qualify(Facts("7410", "63.11Z", "O")).reasons[-1]
    assert anomaly.startswith("périmètre loi 2014 : non malgré indicateur ESS Sirene = O")
    assert anomaly.endswith("(à vérifier)")


def test_qualify_accepts_any_object_with_the_facts_attributes():
    class Row:
        legal_category = "5458"
        naf = "62.01Z"
        sirene_ess_flag = "O"
        in_ess_france_list = False
        esus = False
        siae_kind = ""

    assert qualify(Row()).family == EssFamily.COOPERATIVE


def test_qualify_reads_a_sirene_legal_unit_row():
    from essor.sirene.models import LegalUnit

    unit = LegalUnit(legal_category="5710", naf="62.01Z", sirene_ess_flag="", esus=True)
    result = qualify(unit)
    assert (result.family, result.in_statistique, result.in_loi2014) == (COM, False, True)
