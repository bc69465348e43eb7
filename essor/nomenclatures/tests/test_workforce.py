import csv

import pytest

from essor.nomenclatures.workforce import BANDS, BY_CODE, band_label, midpoint_for


@pytest.mark.parametrize(
    ("code", "midpoint"),
    [("NN", 0), ("00", 0), ("01", 1.5), ("02", 4), ("03", 7.5), ("11", 14.5), ("12", 34.5),
     ("21", 74.5), ("22", 149.5), ("31", 224.5), ("32", 374.5), ("41", 749.5), ("42", 1499.5),
     ("51", 3499.5), ("52", 7499.5), ("53", 10000), ("", None), (None, None), ("99", None)],
)  # fmt: skip
def test_midpoints_of_domain_7_3(code, midpoint):
    assert midpoint_for(code) == midpoint


def test_bands_match_the_insee_codes_and_bounds(shared_data):
    path = shared_data / "nomenclature_tranches_effectifs" / "tranches_effectifs.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["code"] for row in rows] == [band.code for band in BANDS]
    for row in rows:
        band = BY_CODE[row["code"]]
        assert band.minimum == (int(row["effectif_min"]) if row["effectif_min"] else None)
        assert band.maximum == (int(row["effectif_max"]) if row["effectif_max"] else None)
    assert [band.rank for band in BANDS] == list(range(16))


def test_labels():
    assert band_label("12") == "20 à 49 salariés"
    assert band_label("NN") == "Unité non employeuse"
    assert band_label("") == "Non renseigné"
