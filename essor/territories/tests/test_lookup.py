import pytest

from essor.territories.actions import create_perimeter
from essor.territories.lookup import (
    CommuneRef,
    commune_geometries,
    commune_index,
    communes_in,
    resolve_territory,
)


@pytest.fixture
def index(france):
    return commune_index()


def test_current_commune_maps_to_itself(index):
    assert index["44109"] == CommuneRef("44109", "", "244400404", "44", "52")


@pytest.mark.parametrize(
    ("code", "commune", "epci"),
    [
        ("75101", "75056", "200054781"),
        ("69381", "69123", "200046977"),
        ("13201", "13055", "200054807"),
    ],
)
def test_arrondissement_maps_to_its_parent_commune(index, code, commune, epci):
    ref = index[code]
    assert (ref.commune_code, ref.arrondissement_code, ref.epci_siren) == (commune, code, epci)


def test_old_code_maps_to_its_current_commune(index):
    assert index["01120"].commune_code == "01262"
    assert index["01120"].arrondissement_code == ""


def test_commune_without_epci_has_a_blank_epci(index):
    assert index["85113"].epci_siren == ""  # L'Île-d'Yeu


def test_commune_geometries_are_shapely_shapes(france):
    shapes = commune_geometries(["44109", "00000"])
    assert list(shapes) == ["44109"]
    assert shapes["44109"].geom_type in {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize(
    ("code", "kind", "name"),
    [
        ("FR", "france", "France"),
        ("244400404", "epci", "Nantes Métropole"),
        ("44", "departement", "Loire-Atlantique"),
        ("region:44", "region", "Grand Est"),
        ("2A", "departement", "Corse-du-Sud"),
        ("44109", "commune", "Nantes"),
        ("75101", "commune", "Paris"),
        ("01120", "commune", "Montluel"),
    ],
)
def test_resolve_territory(france, code, kind, name):
    found_kind, territory = resolve_territory(code)
    assert (found_kind, territory.name) == (kind, name)


def test_resolve_unknown_territory_gives_none(france):
    assert resolve_territory("99999") is None
    assert resolve_territory("999999999") is None


def test_communes_in_each_kind_of_territory(france):
    assert len(communes_in("epci", "244400404")) == 24
    assert "44109" in communes_in("departement", "44")
    assert "85191" in communes_in("region", "52")
    assert communes_in("commune", "75101") == ["75056"]
    assert len(communes_in("france", "FR")) > 34_800


def test_communes_in_perimeter_and_qpv(france, occitanie_qpv):
    perimeter = create_perimeter("Estuaire", ["44109", "44184"], actor=None)
    assert communes_in("perimeter", perimeter.slug) == ["44109", "44184"]
    assert communes_in("qpv", "QP031007") == ["31555"]
