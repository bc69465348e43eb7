"""Choropleth maps: quantile classes cover every value, palette, projection, SVG, insets, and
the contours read from the referential (with unions for sub-territories without one)."""

import json
import xml.etree.ElementTree as ET

import pytest
import shapely
from django.core.cache import cache

from essor.observatory.charts import format_number
from essor.observatory.choropleth import (
    build_layout,
    choropleth_svg,
    class_labels,
    class_of,
    fit,
    palette,
    quantile_breaks,
    sub_territory_shapes,
    svg_path,
    territory_layout,
)
from essor.territories.models import Commune, Departement, Epci, Region

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    "values, classes",
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5),
        ([0, 0, 0, 0, 7], 5),
        ([5], 5),
        ([3.5, 1.25, 9.0, 2.0], 3),
        (list(range(1000)), 6),
    ],
)
def test_quantile_classes_cover_every_value(values, classes):
    breaks = quantile_breaks(values, classes)
    assert breaks == sorted(set(breaks)) and len(breaks) <= classes
    assert breaks[-1] == max(values)
    assert all(class_of(v, breaks) is not None for v in values)
    assert {class_of(v, breaks) for v in values} == set(range(len(breaks)))


def test_quantile_classes_hold_about_equally_many_values():
    breaks = quantile_breaks(list(range(1, 101)), 4)
    assert breaks == [25, 50, 75, 100]
    assert class_of(25, breaks) == 0 and class_of(26, breaks) == 1
    assert class_of(None, breaks) is None
    assert quantile_breaks([None, None]) == []


def test_palette_goes_from_light_to_dark_without_repeats():
    for count in range(1, 7):
        colours = palette(count)
        assert len(colours) == len(set(colours)) == count
    assert palette(5)[0] == "#fde725" and palette(5)[-1] == "#440154"


def test_class_labels():
    assert class_labels([10, 20], 0, format_number) == ["0 à 10", "plus de 10 à 20"]
    assert class_labels([4], 4, format_number) == ["4"]


SQUARE = shapely.box(0, 45, 1, 46)


def test_projection_fits_the_box_and_keeps_north_up():
    projection, width, height = fit(SQUARE.bounds, 600, 600)
    # One degree of latitude is longer than one of longitude at 45°N: the height fills the box.
    assert height == pytest.approx(600)
    assert width == pytest.approx(600 * projection.cos_lat)
    x_west, y_north = projection(0, 46)
    x_east, y_south = projection(1, 45)
    assert x_west < x_east and y_north < y_south


def test_svg_path_of_a_polygon_with_a_hole_and_a_multipolygon():
    projection, _, _ = fit((0, 45, 3, 46), 600, 600)
    holed = SQUARE.difference(shapely.box(0.4, 45.4, 0.6, 45.6))
    path = svg_path(holed, projection)
    assert path.count("M") == 2 and path.count("Z") == 2
    multi = shapely.MultiPolygon([SQUARE, shapely.box(2, 45, 3, 46)])
    assert svg_path(multi, projection).count("M") == 2
    assert svg_path(None, projection) == ""


def test_map_svg_is_valid_colours_every_shape_and_names_missing_values():
    shapes = {
        "A": ("Alpha", SQUARE),
        "B": ("Bêta & co", shapely.box(1, 45, 2, 46)),
        "C": ("Gamma", shapely.box(2, 45, 3, 46)),
    }
    layout = build_layout(shapes)
    svg = choropleth_svg(
        layout,
        {"A": 1.0, "B": 9.0},
        title="Établissements par commune",
        legend_title="Établissements",
        chart_id="carte",
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text.startswith("Établ")
    fills = {p.find(f"{SVG}title").text: p.get("fill") for p in root.iter(f"{SVG}path")}
    assert fills["Alpha : 1"] != fills["Bêta & co : 9"]
    assert fills["Gamma : sans donnée"] == "url(#carte-hatch)"
    assert "sans donnée" in "".join(root.itertext())


def test_overseas_shapes_go_to_insets():
    shapes = {
        "52": ("Pays de la Loire", shapely.box(-2, 46.5, 0, 48.5)),
        "84": ("Auvergne-Rhône-Alpes", shapely.box(3, 44.5, 7, 46.5)),
        "04": ("La Réunion", shapely.box(55.2, -21.4, 55.8, -20.9)),
    }
    layout = build_layout(shapes)
    assert [inset.name for inset in layout.insets] == ["La Réunion"]
    assert set(layout.paths) == {"52", "84", "04"}
    # Only overseas shapes: no inset, one map.
    assert build_layout({"04": shapes["04"]}).insets == []


def test_empty_layout():
    layout = build_layout({"X": ("Sans contour", None)})
    assert layout.paths == {}
    svg = choropleth_svg(layout, {}, title="t", legend_title="l", chart_id="c")
    ET.fromstring(svg)


@pytest.fixture
def referential(db):
    cache.clear()
    region = Region.objects.create(code="52", name="Pays de la Loire", search_name="pdl")
    dep = Departement.objects.create(
        code="44",
        name="Loire-Atlantique",
        search_name="loire atlantique",
        region=region,
        geometry=json.dumps(shapely.geometry.mapping(shapely.box(0, 45, 3, 46))),
    )
    other = Departement.objects.create(
        code="49", name="Maine-et-Loire", search_name="ml", region=region
    )
    metro = Epci.objects.create(
        siren="244400404", name="Nantes Métropole", search_name="n", nature="METRO"
    )
    cross = Epci.objects.create(siren="200000001", name="CC à cheval", search_name="c", nature="CC")
    for code, name, box, epci, departement in [
        ("44109", "Nantes", (0, 45, 1, 46), metro, dep),
        ("44143", "Rezé", (1, 45, 2, 46), metro, dep),
        ("44001", "Bord", (2, 45, 3, 46), cross, dep),
        ("49001", "Ailleurs", (3, 45, 4, 46), cross, other),
    ]:
        Commune.objects.create(
            code=code,
            name=name,
            search_name=name.lower(),
            kind="COM",
            departement=departement,
            epci=epci,
            geometry=json.dumps(shapely.geometry.mapping(shapely.box(*box))),
        )
    return dep


def test_epci_without_contour_is_the_union_of_its_communes(referential):
    shapes = sub_territory_shapes("departement", "44")
    assert set(shapes) == {"244400404", "200000001"}
    name, metro = shapes["244400404"]
    assert name == "Nantes Métropole"
    assert metro.area == pytest.approx(2.0)
    # The EPCI across the border is drawn whole, as the figures count it.
    assert shapes["200000001"][1].area == pytest.approx(2.0)


def test_territory_layout_is_cached_and_absent_without_sub_territories(
    referential, django_assert_num_queries
):
    layout = territory_layout("epci", "244400404")
    assert set(layout.paths) == {"44109", "44143"}
    with django_assert_num_queries(1):  # the referential version only
        assert territory_layout("epci", "244400404").paths == layout.paths
    assert territory_layout("commune", "44109") is None  # no arrondissements
    assert territory_layout("qpv", "QN04401M") is None
    # 49 has no contour of its own: drawn from its commune.
    assert set(territory_layout("region", "52").paths) == {"44", "49"}


def test_a_custom_perimeter_map_is_cached_until_its_communes_change(referential):
    from essor.territories.models import Perimeter

    perimeter = Perimeter.objects.create(name="Test", slug="test")
    perimeter.communes.set(Commune.objects.filter(code__in=["44109", "44143"]))
    assert set(territory_layout("perimeter", "test").paths) == {"44109", "44143"}
    perimeter.communes.add(Commune.objects.get(code="44001"))
    assert set(territory_layout("perimeter", "test").paths) == {"44109", "44143", "44001"}
    perimeter.communes.remove(Commune.objects.get(code="44109"))
    assert set(territory_layout("perimeter", "test").paths) == {"44143", "44001"}


def test_sliver_gaps_between_unioned_communes_are_closed_but_real_holes_stay():
    projection, _, _ = fit((0, 45, 1, 46), 600, 600)
    sliver = shapely.box(0.3, 45.2, 0.3001, 45.8)  # a gap far thinner than a pixel
    enclave = shapely.box(0.6, 45.4, 0.7, 45.5)  # an enclave many pixels wide
    shape = SQUARE.difference(sliver).difference(enclave)
    assert svg_path(shape, projection).count("M") == 2  # outline + the enclave only
