"""Acceptance: essor's qualification of the real digital-sector ESS extracts (Sirene + ESS France +
ESUS, ../shared/data/ess_numerique_extraits_sirene_essfrance) matches a computation written here
independently of `essor.ess.rules` and `essor.ess.cj_table` (plain csv, small code sets).

Facts per SIREN, from the union of the three files:
- catégorie juridique and NAF: from the Sirene extracts; the 56 SIRENs found only in the ESS France
  file have no catégorie juridique in the extract (so they count as hors ESS here);
- Sirene flag: `O` for the rows of the `_ess_O_` file (all its rows are flagged), else unknown;
- ESUS: `sources` containing `esus` in the `_cj_ess_` file; ESS France list: the `liste_` file.
"""

import csv
from collections import Counter

import pytest

from essor.ess.rules import Facts, qualify

FOLDER = "ess_numerique_extraits_sirene_essfrance"

# Written for this test from the INSEE labels of the codes present in the extracts.
ASSOCIATIONS = {"9210", "9220", "9221", "9230", "9260"}
COOPERATIVES = {"5453", "5458", "5460", "5558", "5560", "5660", "6317", "6318"}
MUTUELLES: set[str] = set()  # none in the extracts
FONDATIONS = {"9300"}
# SAS, SARL, SA (CA / directoire), SCS, SICA in SARL and SA form, foreign company at the RCS.
COMMERCIAL = {"5710", "5499", "5599", "5699", "5306", "5432", "5532", "3120"}
# GIP, other private person at the RCS, SCP, other private-law person, missing.
OTHER = {"7410", "6901", "6585", "9900", ""}
EXCLUDED_NAF_PREFIXES = ("84", "94.11", "94.12", "94.20", "94.91", "94.92")


def read(shared_data, name):
    with (shared_data / FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return {row["siren"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def facts(shared_data):
    flagged = read(shared_data, "unites_legales_ess_O_naf_numerique.csv")
    by_cj = read(shared_data, "unites_legales_cj_ess_naf_numerique.csv")
    listed = read(shared_data, "liste_ess_france_naf_numerique.csv")
    result = {}
    for siren in sorted(set(flagged) | set(by_cj) | set(listed)):
        sirene = flagged.get(siren) or by_cj.get(siren) or {}
        result[siren] = Facts(
            legal_category=sirene.get("categorieJuridiqueUniteLegale", ""),
            naf=(sirene or listed[siren])["activitePrincipaleUniteLegale"],
            sirene_ess_flag="O" if siren in flagged else "",
            in_ess_france_list=siren in listed,
            esus="esus" in by_cj.get(siren, {}).get("sources", ""),
        )
    return result


def independent(fact: Facts) -> tuple[str, bool, bool]:
    cj = fact.legal_category
    known = ASSOCIATIONS | COOPERATIVES | MUTUELLES | FONDATIONS | COMMERCIAL | OTHER
    assert cj in known, f"code {cj} absent from this test's sets"
    if cj in ASSOCIATIONS:
        family = "association"
    elif cj in COOPERATIVES:
        family = "cooperative"
    elif cj in MUTUELLES:
        family = "mutuelle"
    elif cj in FONDATIONS:
        family = "fondation"
    elif cj in COMMERCIAL:
        family = "commercial"
    else:
        family = "hors_ess"
    four = family in {"association", "cooperative", "mutuelle", "fondation"}
    statistique = four and not fact.naf.startswith(EXCLUDED_NAF_PREFIXES)
    qualified = fact.sirene_ess_flag == "O" or fact.in_ess_france_list or fact.esus
    loi2014 = four or (family == "commercial" and qualified)
    return family, statistique, loi2014


def test_union_of_the_extracts(facts):
    assert len(facts) == 3629
    assert sum(f.sirene_ess_flag == "O" for f in facts.values()) == 3375
    assert sum(f.in_ess_france_list for f in facts.values()) == 2061
    assert sum(f.esus for f in facts.values()) == 78
    assert sum(f.legal_category == "" for f in facts.values()) == 56


def test_essor_matches_the_independent_computation_unit_by_unit(facts):
    mismatches = {}
    for siren, fact in facts.items():
        result = qualify(fact)
        got = (str(result.family), result.in_statistique, result.in_loi2014)
        if got != independent(fact):
            mismatches[siren] = (got, independent(fact))
    assert mismatches == {}


def test_counts_per_family_and_perimeter(facts):
    results = [qualify(fact) for fact in facts.values()]
    expected = [independent(fact) for fact in facts.values()]
    families = Counter(str(r.family) for r in results)
    assert families == Counter(family for family, _, _ in expected)
    assert families == {
        "association": 2470,
        "cooperative": 238,
        "fondation": 4,
        "commercial": 846,
        "hors_ess": 71,
    }
    statistique = sum(r.in_statistique for r in results)
    loi2014 = sum(r.in_loi2014 for r in results)
    assert statistique == sum(s for _, s, _ in expected) == 2712
    assert loi2014 == sum(lo for _, _, lo in expected) == 3558
    # Every unit flagged O by Sirene is in the loi 2014 perimeter except the CJ anomalies
    # (GIP 7410, 6901, SCP 6585): essor keeps them out and gives the reason.
    flagged_out = [
        fact.legal_category
        for fact, result in zip(facts.values(), results, strict=True)
        if fact.sirene_ess_flag == "O" and not result.in_loi2014
    ]
    assert sorted(flagged_out) == ["6585", "6901", "7410"]


def test_commercial_companies_are_in_the_loi_2014_perimeter_only(facts):
    commercial = [(f, qualify(f)) for f in facts.values() if f.legal_category in COMMERCIAL]
    # In these extracts every commercial company comes from the flagged file or the ESUS list.
    assert Counter(r.in_loi2014 for _, r in commercial) == {True: 846}
    assert not any(r.in_statistique for _, r in commercial)
