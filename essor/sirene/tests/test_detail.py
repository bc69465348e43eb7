"""Detail rows of ESS establishments: privacy, partial diffusion, coordinates, QPV; guard,
dry-run, formats and commands."""

import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pyproj import Transformer

from essor.sirene.models import (
    Establishment,
    EstablishmentAggregate,
    ImportRun,
    LegalUnit,
    RunStatus,
)
from essor.sirene.pipeline import geo
from essor.sirene.pipeline.run import run_import
from essor.sirene.pipeline.sources import PERSONAL_COLUMNS
from essor.sirene.tests.helpers import SENTINEL, read_rows, write_rows
from essor.territories.enums import CommuneKind
from essor.territories.models import Commune, Departement, Epci, Qpv, Region

SIREN = "000325175"  # first legal unit of the samples, with 3 establishments in the v3 file
NANTES_X, NANTES_Y = 355000.0, 6689000.0


@pytest.fixture
def nantes(db):
    Region.objects.create(code="52", name="Pays de la Loire", search_name="pays de la loire")
    Departement.objects.create(code="44", region_id="52", name="Loire-Atlantique", search_name="x")
    Epci.objects.create(siren="244400404", nature="METRO", name="Nantes Métropole", search_name="x")
    return Commune.objects.create(
        code="44109",
        kind=CommuneKind.COMMUNE,
        departement_id="44",
        epci_id="244400404",
        name="Nantes",
        search_name="nantes",
    )


@pytest.fixture
def ess_files(tmp_path, ul_file, etab_file):
    """The real samples, with SIREN 000325175 turned into an association whose personal
    columns (and those of every legal unit) hold a sentinel; its establishments get an
    address in Nantes with Lambert coordinates, one of them in partial diffusion."""
    header, uls = read_rows(ul_file)
    for row in uls:
        for column in PERSONAL_COLUMNS & set(header):
            row[column] = SENTINEL
        if row["siren"] == SIREN:
            row.update(categorieJuridiqueUniteLegale="9220", sigleUniteLegale="ASSOC")
            row.update(denominationUniteLegale="ASSOCIATION DES TESTS")
    ul = write_rows(tmp_path / "ul.csv", header, uls)
    header, etabs = read_rows(etab_file)
    mine = [row for row in etabs if row["siren"] == SIREN]
    for row in mine:
        row.update(
            codeCommuneEtablissement="44109",
            codePostalEtablissement="44000",
            numeroVoieEtablissement="2",
            indiceRepetitionEtablissement="B",
            typeVoieEtablissement="RUE",
            libelleVoieEtablissement="DE LA PAIX",
            complementAdresseEtablissement="BATIMENT A",
            coordonneeLambertAbscisseEtablissement=str(NANTES_X),
            coordonneeLambertOrdonneeEtablissement=str(NANTES_Y),
            etatAdministratifEtablissement="A",
        )
    mine[1]["statutDiffusionEtablissement"] = "P"
    mine[2]["coordonneeLambertAbscisseEtablissement"] = "[ND]"
    mine[2]["libelleVoieEtablissement"] = "[ND]"
    etab = write_rows(tmp_path / "etab.csv", header, etabs)
    return ul, etab, [row["siret"] for row in mine]


def test_personal_columns_never_reach_the_database(nantes, ess_files):
    ul, etab, _ = ess_files
    run = run_import(ul, etab, progress=False)
    assert run.establishments_kept >= 3
    with connection.cursor() as cursor:
        for model in (LegalUnit, Establishment, EstablishmentAggregate, ImportRun):
            columns = [f.column for f in model._meta.concrete_fields]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {model._meta.db_table}")
            for row in cursor.fetchall():
                assert SENTINEL not in " ".join(str(value) for value in row)
    with open(run.rejects_file, encoding="utf-8") as handle:
        assert SENTINEL not in handle.read()


def test_detail_rows_carry_names_address_territory_and_wgs84_point(nantes, ess_files):
    ul, etab, sirets = ess_files
    run_import(ul, etab, progress=False)
    unit = LegalUnit.objects.current().get(siren=SIREN)
    assert (unit.family, unit.in_statistique, unit.in_loi2014) == ("association", True, True)
    full = Establishment.objects.current().get(siret=sirets[0])
    assert full.legal_unit == unit and full.name == "ASSOCIATION DES TESTS"
    assert full.address == "2B RUE DE LA PAIX, BATIMENT A" and full.sigle == "ASSOC"
    assert (full.commune_code, full.epci_siren, full.departement_code, full.region_code) == (
        "44109",
        "244400404",
        "44",
        "52",
    )
    lon, lat = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(
        NANTES_X, NANTES_Y
    )
    assert full.lat == pytest.approx(lat, abs=1e-6) and full.lon == pytest.approx(lon, abs=1e-6)
    assert full.lat == pytest.approx(47.21, abs=0.01) and full.lon == pytest.approx(-1.56, abs=0.01)
    assert full.state == "A" and full.closed_on is None
    nd = Establishment.objects.current().get(siret=sirets[2])
    assert (
        nd.lat is None and nd.address == "2B RUE, BATIMENT A"
    )  # [ND] is NULL, never the placeholder


def test_partial_diffusion_keeps_commune_level_only(nantes, ess_files):
    ul, etab, sirets = ess_files
    run_import(ul, etab, progress=False)
    partial = Establishment.objects.current().get(siret=sirets[1])
    assert partial.diffusion == "P"
    assert (partial.address, partial.sigle, partial.lat, partial.lon) == ("", "", None, None)
    assert partial.qpv_code == ""
    assert (partial.commune_code, partial.postal_code) == ("44109", "44000")


def test_qpv_membership_with_a_square_made_here(nantes, ess_files):
    lon, lat = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True).transform(
        NANTES_X, NANTES_Y
    )
    square = {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - 0.01, lat - 0.01],
                [lon + 0.01, lat - 0.01],
                [lon + 0.01, lat + 0.01],
                [lon - 0.01, lat + 0.01],
                [lon - 0.01, lat - 0.01],
            ]
        ],
    }
    Qpv.objects.create(
        code="QN04499T",
        generation=2024,
        name="Test",
        search_name="test",
        full_geometry=json.dumps(square),
    )
    ul, etab, sirets = ess_files
    run_import(ul, etab, progress=False)
    assert Establishment.objects.current().get(siret=sirets[0]).qpv_code == "QN04499T"
    # Vectorised lookup: a point outside the square has no QPV.
    import shapely

    codes = geo.qpv_codes(
        np.array([lon, lon + 1]),
        np.array([lat, lat]),
        [("QN04499T", shapely.from_geojson(json.dumps(square)))],
    )
    assert list(codes) == ["QN04499T", ""]


def test_overseas_projections_and_points_outside_france_are_dropped():
    lon, lat, dropped = geo.to_wgs84(
        np.array([NANTES_X, 338767.17, 9e6, 1.0]),
        np.array([NANTES_Y, 7690355.57, 9e6, np.nan]),
        np.array(["44109", "97411", "44109", "44109"], dtype=object),
    )
    assert lat[1] == pytest.approx(-20.88, abs=0.001) and lon[1] == pytest.approx(55.45, abs=0.001)
    assert np.isnan(lat[2]) and np.isnan(lat[3]) and dropped == 1


def test_guard_refuses_a_much_smaller_file_unless_forced(db, tmp_path, ul_file, etab_file):
    first = run_import(ul_file, etab_file, progress=False)
    header, rows = read_rows(etab_file)
    smaller = write_rows(tmp_path / "etab.csv", header, rows[:290])  # 97 % of 299
    with pytest.raises(CommandError, match="Import refusé : 290 établissements lus"):
        run_import(ul_file, smaller, progress=False)
    refused = ImportRun.objects.first()
    assert refused.status == RunStatus.REFUSED and ImportRun.objects.current() == first
    assert refused.establishments_read == 290 and "--force" in refused.message
    forced = run_import(ul_file, smaller, progress=False, force=True)
    assert forced.is_current and forced.forced and forced.establishments_read == 290
    assert not EstablishmentAggregate.objects.filter(run=first).exists()


def test_dry_run_writes_nothing(db, ul_file, etab_file):
    run = run_import(ul_file, etab_file, progress=False, dry_run=True)
    assert run.pk is None and run.establishments_read == 299
    assert not ImportRun.objects.exists() and not EstablishmentAggregate.objects.exists()


def test_54_column_file_and_synthetic_manifest(db, tmp_path, ul_file, etab_file):
    header, rows = read_rows(etab_file)
    for row in rows:
        row["activitePrincipaleNAF25Etablissement"] = "88.99B"
    folder = tmp_path / "synth"
    folder.mkdir()
    etab = write_rows(folder / "etab.csv", [*header, "activitePrincipaleNAF25Etablissement"], rows)
    (folder / "synthetic.json").write_text("{}")
    run = run_import(ul_file, etab, progress=False)
    assert run.format_version == "54 colonnes" and run.is_synthetic


def test_commands_print_key_value_summary_and_runs(db, ul_file, etab_file):
    out = io.StringIO()
    call_command(
        "import_sirene",
        "--unites-legales",
        str(ul_file),
        "--etablissements",
        str(etab_file),
        "--no-progress",
        stdout=out,
    )
    text = out.getvalue()
    assert "establishments_read=299" in text and "status=succeeded" in text
    assert "sha256=" in text and "rejects: " in text
    assert "step=etablissements duration=" in text
    from essor.sirene.management.commands.import_sirene import Command

    assert "--passage-table" in Command().create_parser("manage.py", "import_sirene").format_help()
    out = io.StringIO()
    call_command("list_import_runs", stdout=out)
    assert "etab_read=299" in out.getvalue() and "current=True" in out.getvalue()


def test_admin_pages_are_read_only_and_searchable(admin_client, ul_file, etab_file):
    run = run_import(ul_file, etab_file, progress=False)
    page = admin_client.get(f"/admin/sirene/importrun/{run.pk}/change/")
    assert page.status_code == 200 and "establishments" not in page.content.decode()[:0]
    assert "<pre>" in page.content.decode()
    for name in ("legalunit", "establishment"):
        assert admin_client.get(f"/admin/sirene/{name}/?q=000325175").status_code == 200
    assert admin_client.get("/admin/sirene/importrun/add/").status_code == 403


def test_url_is_downloaded_with_size_and_checksum(db, tmp_path, ul_file, etab_file):
    import functools
    import hashlib
    import http.server
    import shutil
    import threading

    shutil.copy(etab_file, tmp_path / "etab.csv")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/etab.csv"
        run = run_import(ul_file, url, progress=False)
    finally:
        server.shutdown()
    source = run.sources[1]
    assert source["path"] == url and source["size"] == etab_file.stat().st_size
    assert source["sha256"] == hashlib.sha256(etab_file.read_bytes()).hexdigest()
    assert run.establishments_read == 299


def test_passage_table_maps_an_old_commune_code(nantes, tmp_path, ul_file, etab_file):
    header, rows = read_rows(etab_file)
    rows[0]["codeCommuneEtablissement"] = "44999"
    etab = write_rows(tmp_path / "etab.csv", header, rows)
    passage = tmp_path / "passage.csv"
    passage.write_text("ancien;actuel\n44999;44109\n", encoding="utf-8")
    run = run_import(ul_file, etab, progress=False, passage_table=str(passage))
    assert "44999" not in run.unknown_communes
    nantes_rows = EstablishmentAggregate.objects.current().filter(commune_code="44109")
    already = sum(row["codeCommuneEtablissement"] == "44109" for row in rows)
    assert sum(nantes_rows.values_list("count", flat=True)) == already + 1


def test_a_second_import_is_refused_while_one_runs(db, settings, ul_file, etab_file):
    import fcntl

    settings.SIRENE_WORK_DIR.mkdir(parents=True, exist_ok=True)
    with (settings.SIRENE_WORK_DIR / "import.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(CommandError, match="déjà en cours"):
            run_import(ul_file, etab_file, progress=False)
    assert not ImportRun.objects.exists()


def test_unreachable_url_is_a_clear_file_error(db, ul_file):
    with pytest.raises(CommandError, match="téléchargement impossible"):
        run_import(ul_file, "http://127.0.0.1:9/StockEtablissement.zip", progress=False)
    assert ImportRun.objects.first().status == RunStatus.FAILED


def test_35_column_legal_unit_file_is_read(db, tmp_path, ul_file, etab_file):
    header, rows = read_rows(ul_file)
    for row in rows:
        row.update(societeMissionUniteLegale="N", activitePrincipaleNAF25UniteLegale="88.99B")
    at = header.index("caractereEmployeurUniteLegale")
    header = [*header[:at], "societeMissionUniteLegale", *header[at:]]
    header.append("activitePrincipaleNAF25UniteLegale")
    ul = write_rows(tmp_path / "ul.csv", header, rows)
    run = run_import(ul, etab_file, progress=False)
    reference = run_import(ul_file, etab_file, progress=False)
    assert (run.legal_units_read, run.legal_units_kept) == (
        reference.legal_units_read,
        reference.legal_units_kept,
    )


def test_indicators_read_the_database_when_the_staging_snapshot_fails(
    nantes, ess_files, monkeypatch
):
    """The import hands the observatory a Parquet snapshot of its staging tables; if writing it
    fails (a full disk…), the import still goes online and the indicators read the database."""
    import duckdb

    from essor.observatory.compute import source
    from essor.observatory.models import IndicatorBlock, IndicatorSet

    def broken(con, target):
        raise duckdb.IOException("No space left on device")

    monkeypatch.setattr(source, "snapshot_from_staging", broken)
    ul, etab, _ = ess_files
    run = run_import(ul, etab, progress=False)
    run.refresh_from_db()
    assert run.is_current
    assert "Source des indicateurs non enregistrée (No space left on device)" in run.message
    assert IndicatorSet.objects.filter(run=run).exists()
    assert IndicatorBlock.objects.filter(run=run, territory_kind="france").exists()


def test_establishments_point_to_their_legal_unit_across_imports(nantes, ess_files):
    """Legal-unit ids are given by the import (no read-back): each establishment's legal unit
    is the one of its SIREN, in both runs, and the second run's ids follow the first's."""
    ul, etab, _ = ess_files
    first = run_import(ul, etab, progress=False)
    first_ids = set(LegalUnit.objects.filter(run=first).values_list("id", flat=True))
    second = run_import(ul, etab, progress=False, force=True)
    pairs = list(Establishment.objects.filter(run=second).values_list("siren", "legal_unit__siren"))
    assert len(pairs) == second.establishments_kept > 0
    assert all(siren == unit for siren, unit in pairs)
    second_ids = set(LegalUnit.objects.filter(run=second).values_list("id", flat=True))
    assert min(second_ids) > max(first_ids)
