"""The direct portrait on a hand-made import: counts worked out by hand."""

import pytest

from essor.observatory.portrait import TABLE_SLUGS
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401

pytestmark = pytest.mark.django_db


def test_portrait_of_an_epci(current_import):  # noqa: F811
    portrait = get_portrait(get_territory("epci", "244400404"), "statistique")
    assert list(portrait.tables) == TABLE_SLUGS
    h = portrait.headline
    assert (h.establishments, h.employer_establishments, h.without_band) == (4, 2, 1)
    assert h.estimated_employees == pytest.approx(36.0)
    assert h.all_establishments == 100
    assert h.reference_years == {2022: 2, 2023: 1, None: 1}
    families = {r["famille"]: r["etablissements"] for r in portrait.table("familles").rows}
    assert families == {"association": 3, "cooperative": 1}
    communes = {r["code"]: r["etablissements"] for r in portrait.table("sous_territoires").rows}
    assert communes == {"44109": 2, "44143": 2}
    dynamics = portrait.table("dynamique").rows
    assert dynamics == []  # no creation dates in this import
    top = portrait.table("plus_grands_employeurs").rows
    assert [r["siret"] for r in top] == ["10000000100001", "10000000200001"]


def test_loi_2014(current_import):  # noqa: F811
    portrait = get_portrait(get_territory("commune", "44109"), "loi2014")
    assert portrait.headline.establishments == 3
    assert portrait.headline.all_establishments == 90
