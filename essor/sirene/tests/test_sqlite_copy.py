"""SQLite's parallel write path copies its scratch files record by record (the transfer
optimisation), and the ids it gives rows continue the table's own."""

import io
import sqlite3

import duckdb
import pytest
from django.core.management import call_command
from django.db import connection

from essor.sirene.models import Establishment, EstablishmentAggregate, ImportRun, LegalUnit
from essor.sirene.pipeline import load, sqlite_parallel, tables

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writers only"),
]

JOB_COLUMNS = {
    LegalUnit: ["run_id", "id", *load.LEGAL_UNIT_COLUMNS],
    Establishment: ["run_id", *load.ESTABLISHMENT_COLUMNS],
    EstablishmentAggregate: ["run_id", *load.AGGREGATE_COLUMNS],
}


def _opcodes(raw, sql: str) -> set[str]:
    return {row[1] for row in raw.execute(f"EXPLAIN {sql}")}


def test_every_twin_is_copied_record_by_record(tmp_path):
    """A scratch table declared like its twin is copied without decoding its values (the plan
    reads whole records: RowData), ids given by the writer where the query has none."""
    tables.create_next()
    try:
        connection.ensure_connection()
        raw = connection.connection
        for model, columns in JOB_COLUMNS.items():
            twin = tables.next_name(model)
            spec = sqlite_parallel._prepare({"target": twin, "columns": columns})
            assert ("id_column" in spec) == ("id" not in columns)
            part = tmp_path / f"{twin}.sqlite3"
            with sqlite3.connect(part) as scratch:
                scratch.execute(spec["ddl"])
            raw.execute("ATTACH DATABASE ? AS part", (str(part),))
            try:
                assert "RowData" in _opcodes(raw, sqlite_parallel.copy_sql(twin)), twin
                # The column-by-column form the transfer replaces does not read whole records.
                names = ", ".join(f'"{c}"' for c in columns)
                slow = f'INSERT INTO main."{twin}" ({names}) SELECT {names} FROM part.t'
                assert "RowData" not in _opcodes(raw, slow)
            finally:
                raw.execute("DETACH DATABASE part")
    finally:
        tables.drop_next()


def test_numbered_rows_follow_the_query_order_after_the_tables_counter(tmp_path, monkeypatch):
    """Ids are never reused (AUTOINCREMENT): after a deleted row, new rows start above it, in
    the query's order, across scratch files."""
    monkeypatch.setattr(sqlite_parallel, "ARROW_BATCH", 2)
    monkeypatch.setattr(sqlite_parallel, "CHUNK_ROWS", 2)
    run = ImportRun.objects.create()
    deleted = EstablishmentAggregate.objects.create(run=run, commune_code="0", state="A", count=0)
    deleted_id = deleted.pk
    deleted.delete()
    con = duckdb.connect()
    select = (
        f"SELECT {run.pk} AS run_id, lpad(range::VARCHAR, 5, '0') AS commune_code, "
        "true AS commune_known, '' AS naf_division, '' AS workforce_band, 'A' AS state, "
        "NULL::BOOLEAN AS employer, range AS count FROM range(5) ORDER BY range DESC"
    )
    columns = ["run_id", *load.AGGREGATE_COLUMNS]
    sqlite_parallel.load(
        con, [(select, EstablishmentAggregate._meta.db_table, columns)], tmp_path, lambda n: n
    )
    got = list(EstablishmentAggregate.objects.order_by("id").values_list("id", "count"))
    first = deleted_id + 1
    assert got == [(first + i, 4 - i) for i in range(5)]
    added = EstablishmentAggregate.objects.create(run=run, commune_code="9", state="A", count=9)
    assert added.pk == first + 5


def _served(run) -> dict[str, list]:
    """Every row of a run, without its ids."""
    skip = {"id", "run", "legal_unit"}

    def values(model):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        return sorted(model.objects.filter(run=run).values_list(*names), key=repr)

    return {m.__name__: values(m) for m in (LegalUnit, Establishment, EstablishmentAggregate)}


def test_an_import_through_the_writer_threads_serves_the_same_rows_with_sound_indexes(
    tmp_path, monkeypatch, settings
):
    """The import's SQLite path for large stocks (writer threads, scratch files copied in, the
    twins' indexes built after), forced on a small synthetic stock of Loire-Atlantique, serves
    what the in-process path serves; its indexes hold every row (integrity_check) and take
    their migration names at the swap."""
    from essor.sirene.pipeline.run import run_import
    from essor.sirene.synth import generate

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("load_referentials", departements="44", **quiet)
    generate("FR", 3000, 5, tmp_path / "stock", progress=False)
    ul_file = tmp_path / "stock" / "StockUniteLegale_utf8.csv"
    etab_file = tmp_path / "stock" / "StockEtablissement_utf8.csv"
    settings.SIRENE_WORK_DIR = str(tmp_path / "work")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        schema = cursor.fetchall()
    monkeypatch.setattr(sqlite_parallel, "MIN_ROWS", 10**9)
    in_process = _served(run_import(ul_file, etab_file, progress=False, indicators=False))
    monkeypatch.setattr(sqlite_parallel, "MIN_ROWS", 0)
    copied = []
    real_copy = sqlite_parallel._copy_in
    monkeypatch.setattr(
        sqlite_parallel, "_copy_in", lambda s, p: copied.append(s) or real_copy(s, p)
    )
    threaded = run_import(ul_file, etab_file, progress=False, force=True, indicators=False)
    assert {spec["target"] for spec in copied} == {
        tables.next_name(m) for m in (LegalUnit, Establishment, EstablishmentAggregate)
    }
    assert _served(threaded) == in_process
    assert threaded.establishments_kept == Establishment.objects.filter(run=threaded).count() > 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchall() == [("ok",)]
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        assert cursor.fetchall() == schema
    # Lookups through the indexes find what a scan finds.
    rows = list(Establishment.objects.filter(run=threaded).values_list("commune_code", "siret"))
    commune, siret = rows[len(rows) // 2]
    assert Establishment.objects.filter(run=threaded, commune_code=commune).count() == sum(
        1 for code, _siret in rows if code == commune
    )
    assert Establishment.objects.filter(run=threaded, siret=siret).count() == 1
