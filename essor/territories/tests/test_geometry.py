import json

import shapely

from essor.territories import geometry


def circle(x: float, y: float, radius: float) -> shapely.Geometry:
    return shapely.Point(x, y).buffer(radius, quad_segs=256)


def test_shape_fields_simplify_under_the_size_budget():
    shapes = geometry.as_array([circle(2.0, 47.0, 0.05)])
    (fields,) = geometry.shape_fields(shapes, 0.0001, 2_000)
    assert len(fields["geometry"]) <= 2_000
    assert json.loads(fields["geometry"])["type"] == "Polygon"
    assert abs(fields["lat"] - 47.0) < 1e-3 and abs(fields["lon"] - 2.0) < 1e-3
    assert fields["bbox"] == [1.95, 46.95, 2.05, 47.05]


def test_tiny_shape_is_never_simplified_away():
    tiny = shapely.box(2.0, 47.0, 2.00001, 47.00001)
    (fields,) = geometry.shape_fields(geometry.as_array([tiny]), 0.01, 4_000)
    assert fields["geometry"] and not shapely.from_geojson(fields["geometry"]).is_empty


def test_missing_geometry_gives_blank_fields():
    (fields,) = geometry.shape_fields(geometry.as_array([None]), 0.001, 4_000)
    assert fields == {"geometry": "", "lat": None, "lon": None, "bbox": None}


def test_centroid_outside_a_crescent_falls_back_to_a_point_inside():
    crescent = circle(0, 0, 1).difference(circle(0.3, 0, 0.9))
    lat, lon = geometry.centroids(geometry.as_array([crescent]))
    assert crescent.contains(shapely.Point(lon[0], lat[0]))


def test_union_of_adjacent_squares_is_one_polygon():
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    snapped = geometry.snap(geometry.as_array([left, right]))
    merged = geometry.union([left, right], snapped)
    assert merged.geom_type == "Polygon" and merged.area == 2


def test_union_of_overlapping_shapes_falls_back_to_a_general_union():
    a, b = shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)
    merged = geometry.union([a, b], geometry.snap(geometry.as_array([a, b])))
    assert merged.area == 3
    assert geometry.union([None]) is None
