import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command

from essor.lib.identifiers import is_valid_siren, is_valid_siret
from essor.sirene.synth import generate
from essor.sirene.synth import profiles as synth_profiles
from essor.sirene.synth.columns import ESTABLISHMENT_COLUMNS, LEGAL_UNIT_COLUMNS
from essor.sirene.synth.geography import unproject
from essor.territories.models import Commune, Departement, Epci, Region

ROOT = Path(__file__).resolve().parents[4]
# CJ of the four statutory families (domain.md §3.4), written out independently of the generator.
STATUTORY_CJ = {
    "9210", "9220", "9221", "9222", "9230", "9260", "9300", "8210", "8250", "8290", "6411",
    "5191", "5192", "5193", "5194", "5196", "5458", "5460", "5560", "6316", "6317", "6318",
}  # fmt: skip


def square(lon: float, lat: float, half: float) -> str:
    ring = [
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
        [lon - half, lat + half], [lon - half, lat - half],
    ]  # fmt: skip
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def triangle(lon: float, lat: float, size: float) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture
def communes(db):
    regions = {code: Region.objects.create(code=code, name=name) for code, name in [
        ("52", "Pays de la Loire"), ("11", "Île-de-France"), ("44", "Grand Est"),
        ("04", "La Réunion"),
    ]}  # fmt: skip
    deps = {code: Departement.objects.create(code=code, name=name, region=regions[region])
            for code, name, region in [
                ("44", "Loire-Atlantique", "52"), ("75", "Paris", "11"), ("57", "Moselle", "44"),
                ("974", "La Réunion", "04"),
            ]}  # fmt: skip
    epci = Epci.objects.create(siren="244400404", name="Nantes Métropole", nature="METRO")
    rows = [
        ("44109", "Nantes", 320_000, "44000 44100", square(-1.55, 47.22, 0.05), "44", epci),
        ("44162", "Saint-Herblain", 48_000, "44800", triangle(-1.70, 47.20, 0.06), "44", epci),
        ("44184", "Saint-Nazaire", 70_000, "44600", square(-2.25, 47.28, 0.04), "44", None),
        ("57463", "Metz", 120_000, "57000", square(6.18, 49.11, 0.04), "57", None),
        ("97411", "Saint-Denis", 150_000, "97400", square(55.45, -20.90, 0.04), "974", None),
    ]
    for code, name, population, postal, geometry, dep, epci_ in rows:
        Commune.objects.create(
            code=code, name=name, kind="COM", population=population, postal_codes=postal,
            geometry=geometry, departement=deps[dep], epci=epci_,
        )  # fmt: skip
    paris = Commune.objects.create(
        code="75056", name="Paris", kind="COM", population=2_100_000, postal_codes="75001",
        geometry=square(2.34, 48.86, 0.03), departement=deps["75"],
    )  # fmt: skip
    for code, name, lon in [("75101", "Paris 1er Arrondissement", 2.33), ("75102", "Paris 2e Arrondissement", 2.35)]:  # fmt: skip
        Commune.objects.create(
            code=code, name=name, kind="ARM", parent=paris, population=20_000,
            postal_codes=code[:2] + "0" + code[3:], geometry=square(lon, 48.86, 0.005),
            departement=deps["75"],
        )  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def synth(tmp_path: Path, n=6000, seed=1, perimeter="FR", fmt="csv", name="out"):
    out = tmp_path / name
    result = generate(perimeter, n, seed, out, fmt=fmt, progress=False)
    return result, out


def test_headers_are_those_of_the_official_files(communes, tmp_path, shared_data):
    _result, out = synth(tmp_path, n=500)
    sample = shared_data / "sirene_stock_extrait_v3"
    real_etab = (sample / "StockEtablissement_utf8_extrait.csv").open().readline()
    real_ul = (sample / "StockUniteLegale_utf8_extrait.csv").open().readline().strip().split(",")
    assert (out / "StockEtablissement_utf8.csv").open().readline() == real_etab
    ul_header = (out / "StockUniteLegale_utf8.csv").open().readline().strip().split(",")
    assert ul_header == list(LEGAL_UNIT_COLUMNS) and len(ul_header) == 35
    # The 2022 sample predates the two newest columns; every other column is in the same order.
    assert [c for c in ul_header if c in real_ul] == real_ul


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_same_bytes_and_another_seed_differs(communes, tmp_path, fmt):
    _r, first = synth(tmp_path, seed=7, fmt=fmt, name="a")
    _r, again = synth(tmp_path, seed=7, fmt=fmt, name="b")
    _r, other = synth(tmp_path, seed=8, fmt=fmt, name="c")
    for name in (f"StockUniteLegale_utf8.{fmt}", f"StockEtablissement_utf8.{fmt}"):
        assert (first / name).read_bytes() == (again / name).read_bytes()
        assert (first / name).read_bytes() != (other / name).read_bytes()


def test_identifiers_are_valid_unique_and_consistent(communes, tmp_path):
    result, out = synth(tmp_path, n=8000)
    units = read_csv(out / "StockUniteLegale_utf8.csv")
    sites = read_csv(out / "StockEtablissement_utf8.csv")
    assert len(sites) == result.establishments == 8000 and len(units) == result.legal_units
    sirets = [row["siret"] for row in sites]
    assert len(set(sirets)) == len(sirets)
    assert all(is_valid_siret(s) for s in sirets)
    assert all(r["siret"] == r["siren"] + r["nic"] and len(r["nic"]) == 5 for r in sites)
    sirens = [row["siren"] for row in units]
    assert len(set(sirens)) == len(sirens) and all(is_valid_siren(s) for s in sirens)
    assert "356000000" not in sirens
    heads = {}
    for row in sites:
        assert row["siren"] in heads or row["siren"] in set(sirens)
        if row["etablissementSiege"] == "true":
            assert row["siren"] not in heads, "two head offices"
            heads[row["siren"]] = row["nic"]
        assert row["etablissementSiege"] in {"true", "false"}
    assert {u["siren"]: u["nicSiegeUniteLegale"] for u in units} == heads


def test_points_are_inside_their_commune(communes, tmp_path):
    _result, out = synth(tmp_path, n=6000)
    sites = [
        r for r in read_csv(out / "StockEtablissement_utf8.csv")
        if r["coordonneeLambertAbscisseEtablissement"] not in ("", "[ND]")
    ]  # fmt: skip
    assert len(sites) > 5000
    codes = [r["codeCommuneEtablissement"] for r in sites]
    assert "75056" not in codes and {"75101", "75102", "97411"} <= set(codes)
    x = np.array([float(r["coordonneeLambertAbscisseEtablissement"]) for r in sites])
    y = np.array([float(r["coordonneeLambertOrdonneeEtablissement"]) for r in sites])
    lon, lat = unproject(codes, x, y)
    polygons = {c.code: shapely.from_geojson(c.geometry) for c in Commune.objects.all()}
    geoms = np.array([polygons[c] for c in codes], dtype=object)
    # Coordinates are written to the decimetre: allow that much (≈ 1e-6 degree) at the border.
    assert (shapely.distance(geoms, shapely.points(lon, lat)) < 2e-6).all()
    metro = np.array([not c.startswith("97") for c in codes])
    assert ((x[metro] > 100_000) & (x[metro] < 1_300_000) & (y[metro] > 6_000_000)).all()


def test_about_15_percent_of_establishments_are_ess(communes, tmp_path):
    _result, out = synth(tmp_path, n=30_000, seed=3)
    units = read_csv(out / "StockUniteLegale_utf8.csv")
    ess = {
        u["siren"] for u in units
        if u["categorieJuridiqueUniteLegale"] in STATUTORY_CJ
        or u["economieSocialeSolidaireUniteLegale"] == "O"
    }  # fmt: skip
    sites = read_csv(out / "StockEtablissement_utf8.csv")
    share = sum(r["siren"] in ess for r in sites) / len(sites)
    assert 0.12 <= share <= 0.18
    associations = sum(u["categorieJuridiqueUniteLegale"].startswith("92") for u in units
                       if u["siren"] in ess)  # fmt: skip
    assert 0.7 <= associations / len(ess) <= 0.9
    closed = sum(r["etatAdministratifEtablissement"] == "F" for r in sites) / len(sites)
    assert 0.3 <= closed <= 0.5


def test_values_have_the_official_shapes(communes, tmp_path):
    _result, out = synth(tmp_path, n=6000, seed=5)
    units = read_csv(out / "StockUniteLegale_utf8.csv")
    sites = read_csv(out / "StockEtablissement_utf8.csv")
    for row in sites:
        assert row["etatAdministratifEtablissement"] in {"A", "F"}
        assert row["nomenclatureActivitePrincipaleEtablissement"] == "NAFRev2"
        assert len(row["activitePrincipaleEtablissement"]) == 6
        assert row["activitePrincipaleEtablissement"][2] == "."
        assert len(row["dateDernierTraitementEtablissement"]) == 19
        assert row["dateDernierTraitementEtablissement"][10] == "T"
        assert row["dateCreationEtablissement"] <= row["dateDebut"] <= "2025-10-31"
        band, year = row["trancheEffectifsEtablissement"], row["anneeEffectifsEtablissement"]
        assert (year in {"2021", "2022", "2023"}) == (band not in {"", "NN"})
        if band not in {"", "NN"}:
            assert row["caractereEmployeurEtablissement"] == "O"
    for unit in units:
        assert unit["etatAdministratifUniteLegale"] in {"A", "C"}
        if unit["categorieJuridiqueUniteLegale"] == "1000":
            assert (
                unit["nomUniteLegale"] in {"SYNTH", "[ND]"}
                and unit["denominationUniteLegale"] == ""
            )
        else:
            assert unit["nomUniteLegale"] == "" and unit["denominationUniteLegale"]
        if unit["categorieJuridiqueUniteLegale"] in {"9210", "9230", "9260"}:
            commune = next(s for s in sites if s["siren"] == unit["siren"]
                           and s["etablissementSiege"] == "true")  # fmt: skip
            assert commune["codeCommuneEtablissement"].startswith("57")
    ceased = {u["siren"] for u in units if u["etatAdministratifUniteLegale"] == "C"}
    assert all(s["etatAdministratifEtablissement"] == "F" for s in sites if s["siren"] in ceased)


def test_partial_diffusion_hides_street_and_coordinates(communes, tmp_path):
    _result, out = synth(tmp_path, n=20_000, seed=2)
    sites = read_csv(out / "StockEtablissement_utf8.csv")
    partial = [r for r in sites if r["statutDiffusionEtablissement"] == "P"]
    assert 0.005 < len(partial) / len(sites) < 0.05
    for row in partial:
        assert row["coordonneeLambertAbscisseEtablissement"] == "[ND]"
        assert row["coordonneeLambertOrdonneeEtablissement"] == "[ND]"
        assert row["libelleVoieEtablissement"] == "[ND]"
        assert row["codeCommuneEtablissement"]  # the commune stays public
    assert all(r["statutDiffusionEtablissement"] in {"O", "P"} for r in sites)


def test_parquet_output_reads_in_duckdb_with_the_same_columns(communes, tmp_path):
    _r, csv_out = synth(tmp_path, n=3000, name="csv")
    _r, pq_out = synth(tmp_path, n=3000, fmt="parquet", name="parquet")
    for name, columns in [("StockEtablissement_utf8", ESTABLISHMENT_COLUMNS),
                          ("StockUniteLegale_utf8", LEGAL_UNIT_COLUMNS)]:  # fmt: skip
        con = duckdb.connect()
        relation = con.sql(f"select * from read_parquet('{pq_out / (name + '.parquet')}')")
        assert tuple(relation.columns) == columns
        from_csv = con.sql(
            f"select * from read_csv('{csv_out / (name + '.csv')}', all_varchar=true)"
        ).fetchall()
        assert relation.fetchall() == from_csv


def test_naf_codes_exist_in_the_insee_nomenclature(shared_data):
    path = shared_data / "nomenclature_naf_rev2" / "naf_rev2_5_niveaux.csv"
    text = path.read_text(encoding="utf-8")
    codes = {code for profile in synth_profiles.ACTIVITIES.values() for code in profile}
    assert [code for code in sorted(codes) if code not in text] == []


def test_command_writes_manifest_and_summary(communes, tmp_path):
    stdout = io.StringIO()
    call_command(
        "synth_sirene", "--perimeter", "244400404", "--establishments", "1000", "--seed", "4",
        "--out", str(tmp_path / "epci"), "--no-progress", stdout=stdout,
    )  # fmt: skip
    assert "establishments=1000" in stdout.getvalue()
    manifest = json.loads((tmp_path / "epci" / "synthetic.json").read_text())
    assert manifest["synthetic"] is True and manifest["seed"] == 4
    assert manifest["counts"]["establishments"] == 1000
    codes = {r["codeCommuneEtablissement"]
             for r in read_csv(tmp_path / "epci" / "StockEtablissement_utf8.csv")}  # fmt: skip
    assert codes == {"44109", "44162"}


def test_paris_is_drawn_by_arrondissement(communes, tmp_path):
    _result, out = synth(tmp_path, n=500, perimeter="75056")
    codes = {r["codeCommuneEtablissement"] for r in read_csv(out / "StockEtablissement_utf8.csv")}
    assert codes == {"75101", "75102"}


def test_unknown_perimeter_is_refused_in_french(communes, tmp_path):
    with pytest.raises(CommandError, match="Périmètre inconnu"):
        call_command(
            "synth_sirene", "--perimeter", "01", "--establishments", "10", "--out",
            str(tmp_path / "x"), "--no-progress",
        )  # fmt: skip


def test_too_many_establishments_are_refused(communes, tmp_path):
    with pytest.raises(CommandError, match="nombre d'établissements"):
        call_command(
            "synth_sirene", "--perimeter", "FR", "--establishments", "0", "--out",
            str(tmp_path / "x"), "--no-progress",
        )  # fmt: skip


def test_bench_script_shows_its_help():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--help"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "--sizes" in done.stdout
