import json

import pytest
from django.core.management.base import CommandError

from essor.territories.lookup import qpv_geometries
from essor.territories.models import Qpv, ReferentialLoad
from essor.territories.tests.conftest import run, summary


@pytest.fixture
def qpv_file(shared_data):
    return shared_data / "qpv_2015_occitanie" / "qpv_2015_occitanie.geojson"


def test_occitanie_file_gives_105_qpv_of_2015(occitanie_qpv):
    assert occitanie_qpv["qpv"] == "105"
    assert occitanie_qpv["generation_2015"] == "105"
    assert Qpv.objects.filter(generation=2015).count() == 105
    assert ReferentialLoad.objects.filter(kind="qpv").count() == 1


def test_each_qpv_is_linked_to_its_commune(occitanie_qpv):
    assert occitanie_qpv["without_commune"] == "0"
    toulouse = Qpv.objects.filter(communes="31555")
    assert toulouse.count() >= 5
    assert Qpv.objects.get(code="QP031007").name == "Grand Mirail"


def test_qpv_keeps_simplified_and_full_geometry(occitanie_qpv):
    qpv = Qpv.objects.get(code="QP031007")
    assert qpv.geometry and qpv.full_geometry
    assert len(qpv.geometry) <= len(qpv.full_geometry)
    assert 43.5 < qpv.lat < 43.7 and qpv.bbox[0] < qpv.lon < qpv.bbox[2]
    assert qpv.source.endswith("qpv_2015_occitanie.geojson")


def test_second_import_updates_without_duplicates(occitanie_qpv, qpv_file):
    again = summary(run("import_qpv", str(qpv_file)))
    assert again["created"] == "0" and again["updated"] == "105"
    assert Qpv.objects.count() == 105
    assert Qpv.objects.get(code="QP031007").communes.count() == 1


def test_qpv_geometries_are_full_shapes_for_point_in_polygon(occitanie_qpv):
    geometries = dict(qpv_geometries())
    assert len(geometries) == 105
    assert geometries["QP031007"].contains(geometries["QP031007"].representative_point())


def test_communes_are_found_by_intersection_without_commune_property(france, qpv_file, tmp_path):
    data = json.loads(qpv_file.read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["code_qp"] == "QP031007"]
    for feature in data["features"]:
        feature["properties"] = {
            "CODE_QP": "QN03107M",
            "LIB_QP": feature["properties"]["nom_qp"],
        }
    path = tmp_path / "qpv_2024.geojson"
    path.write_text(json.dumps(data))
    output = summary(run("import_qpv", str(path)))
    assert output["generation_2024"] == "1"
    qpv = Qpv.objects.get(code="QN03107M")
    assert list(qpv.communes.values_list("code", flat=True)) == ["31555"]


def test_generation_option_overrides_the_code_prefix(france, qpv_file, tmp_path):
    data = json.loads(qpv_file.read_text())
    data["features"] = data["features"][:1]
    data["features"][0]["properties"]["code_qp"] = "X001"
    path = tmp_path / "one.geojson"
    path.write_text(json.dumps(data))
    run("import_qpv", str(path), generation=2024)
    assert Qpv.objects.get(code="X001").generation == 2024


def test_file_without_code_property_is_refused_and_nothing_is_written(france, qpv_file, tmp_path):
    data = json.loads(qpv_file.read_text())
    for feature in data["features"]:
        feature["properties"] = {"name": feature["properties"]["nom_qp"]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="bad.geojson, objet n° 1.*code_qp"):
        run("import_qpv", str(path))
    assert not Qpv.objects.exists()
    assert not ReferentialLoad.objects.filter(kind="qpv").exists()


def test_unknown_generation_prefix_is_refused(france, qpv_file, tmp_path):
    data = json.loads(qpv_file.read_text())
    data["features"][3]["properties"]["code_qp"] = "ZZ1"
    path = tmp_path / "odd.geojson"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="objet n° 4.*--generation"):
        run("import_qpv", str(path))
    assert not Qpv.objects.exists()


def test_missing_qpv_file_gives_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        run("import_qpv", str(tmp_path / "absent.geojson"))


def test_qpv_file_loads_from_a_url(france, http_server):
    url = f"{http_server}/qpv_2015_occitanie/qpv_2015_occitanie.geojson"
    assert summary(run("import_qpv", url))["qpv"] == "105"
