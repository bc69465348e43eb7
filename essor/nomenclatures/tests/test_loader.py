from collections import Counter
from io import StringIO

import pytest

from essor.nomenclatures.loader import (
    legal_category_label,
    load_nomenclatures,
    naf_label,
    normalise_naf,
)
from essor.nomenclatures.models import LegalCategory, NafCode, WorkforceBand

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    return load_nomenclatures()


def test_load_creates_every_level(loaded):
    assert Counter(NafCode.objects.values_list("level", flat=True)) == {
        "section": 21,
        "division": 88,
        "groupe": 272,
        "classe": 615,
        "sous_classe": 732,
    }
    assert Counter(LegalCategory.objects.values_list("level", flat=True)) == {1: 10, 2: 39, 3: 260}
    assert WorkforceBand.objects.count() == 16
    assert loaded["naf_codes"] == loaded["naf_codes_created"] == 1728
    assert loaded["legal_categories_created"] == 309


def test_parents_link_the_levels(loaded):
    code = NafCode.objects.select_related("parent__parent__parent__parent").get(code="88.99B")
    chain = [code.parent, code.parent.parent, code.parent.parent.parent]
    assert [c.code for c in chain] == ["88.99", "88.9", "88"]
    assert chain[2].parent.code == "Q" and code.section == "Q"
    assert NafCode.objects.filter(parent__isnull=True).count() == 21
    assert LegalCategory.objects.get(code="9220").parent.parent.code == "9"
    assert LegalCategory.objects.filter(parent__isnull=True).count() == 10


def test_second_load_changes_nothing_and_repairs_edits(loaded):
    NafCode.objects.filter(code="62.01Z").update(label="modifié")
    out = StringIO()
    counts = load_nomenclatures(stdout=out)
    assert counts["naf_codes_created"] == 0 and counts["naf_codes_updated"] == 1
    assert counts["legal_categories_created"] == counts["legal_categories_updated"] == 0
    assert counts["workforce_bands_updated"] == 0
    assert NafCode.objects.get(code="62.01Z").label == "Programmation informatique"
    assert "naf_codes=1728 created=0 updated=1" in out.getvalue()
    assert NafCode.objects.count() == 1728


def test_workforce_bands_carry_bounds_and_midpoints(loaded):
    band = WorkforceBand.objects.get(code="31")
    assert (band.label, band.minimum, band.maximum, band.midpoint) == (
        "200 à 249 salariés",
        200,
        249,
        224.5,
    )
    assert WorkforceBand.objects.get(code="53").midpoint == 10000
    assert WorkforceBand.objects.get(code="NN").midpoint == 0
    assert list(WorkforceBand.objects.values_list("code", flat=True))[:3] == ["NN", "00", "01"]


def test_load_from_given_files(tmp_path):
    naf = tmp_path / "naf.csv"
    naf.write_text(
        "code,level,label,short_label,parent,section\n"
        "J,section,Information et communication,Information et communication,,J\n",
        encoding="utf-8",
    )
    cj = tmp_path / "cj.csv"
    cj.write_text("code,level,label,parent\n9,1,Groupement de droit privé,\n", encoding="utf-8")
    counts = load_nomenclatures(naf_path=naf, cj_path=cj)
    assert (counts["naf_codes"], counts["legal_categories"]) == (1, 1)


def test_labels(loaded):
    assert naf_label("62.01Z") == "Programmation informatique"
    assert naf_label("6201Z") == "Programmation informatique"
    assert naf_label("J") == "Information et communication"
    assert naf_label("99.99Z", default="?") == "?"
    assert legal_category_label("9220") == "Association déclarée"
    assert legal_category_label("92") == "Association loi 1901 ou assimilé"
    assert legal_category_label("") == ""


def test_labels_fall_back_to_the_package_files_when_the_database_is_empty():
    from essor.nomenclatures.loader import clear_label_cache

    clear_label_cache()
    assert naf_label("88.99B") == "Action sociale sans hébergement n.c.a."
    assert legal_category_label("5458") == "SARL coopérative de production (SCOP)"
    clear_label_cache()


@pytest.mark.parametrize(
    ("raw", "dotted"),
    [
        ("6201Z", "62.01Z"),
        ("62.01z", "62.01Z"),
        ("6201", "62.01"),
        ("62", "62"),
        ("J", "J"),
        (None, ""),
    ],
)
def test_normalise_naf(raw, dotted):
    assert normalise_naf(raw) == dotted
