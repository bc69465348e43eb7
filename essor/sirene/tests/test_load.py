"""The bulk writes keep every value and its type, whatever the path (SQLite JSON batches,
SQLite executemany, PostgreSQL COPY)."""

import duckdb
import pytest
from django.db import connection

from essor.sirene.models import Establishment, EstablishmentAggregate, ImportRun, LegalUnit
from essor.sirene.pipeline import load, sqlite_parallel

ROWS = [
    # commune_code, commune_known, naf_division, workforce_band, state, employer, count
    ("01000", True, "", "", "A", None, 1),
    ("75056", True, "01", "NN", "F", True, 2_000_000_000),
    ('"\\é', False, "9Z", "53", "A", False, 0),
    ("(vide", False, "", "", "", None, 7),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("json_max_columns", "parallel"), [(0, False), (10, False), (10, True)])
def test_aggregate_rows_round_trip(tmp_path, monkeypatch, json_max_columns, parallel):
    """parallel: SQLite Arrow batches through ADBC on threads (sqlite_parallel.py), forced on a
    few rows."""
    monkeypatch.setattr(load, "JSON_MAX_COLUMNS", json_max_columns)
    monkeypatch.setattr(sqlite_parallel, "MIN_ROWS", 0 if parallel else 10**9)
    run = ImportRun.objects.create()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE out_agg (commune_code VARCHAR, commune_known BOOLEAN, naf_division VARCHAR,"
        " workforce_band VARCHAR, state VARCHAR, employer BOOLEAN, count BIGINT)"
    )
    con.executemany("INSERT INTO out_agg VALUES (?, ?, ?, ?, ?, ?, ?)", ROWS)
    select = load._select("out_agg", load.AGGREGATE_COLUMNS, run.pk, order="commune_code")
    table = EstablishmentAggregate._meta.db_table
    advanced = []
    jobs = [(select, table, ["run_id", *load.AGGREGATE_COLUMNS])]
    load._load(con, jobs, tmp_path, advanced.append, rows=[len(ROWS)])
    assert sum(advanced) == len(ROWS)
    # PostgreSQL loads parts of the file in parallel: the id order is not the file order.
    got = sorted(
        EstablishmentAggregate.objects.filter(run=run).values_list(*load.AGGREGATE_COLUMNS)
    )
    assert got == sorted(ROWS)
    paris = next(row for row in got if row[0] == "75056")
    assert [type(v) for v in paris] == [str, bool, str, str, str, bool, int]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT typeof(commune_code), typeof(commune_known), typeof(count) "
                f"FROM {table} WHERE run_id = %s",
                [run.pk],
            )
            assert cursor.fetchall() == [("text", "integer", "integer")]


WIDE = [
    # siret, name, lat, employer, workforce_year, created_on
    ("00000000000001", 'L\'Œuvre "sociale", 2e étage', 47.218371, True, 2021, "2020-01-31"),
    ("00000000000002", "", None, None, None, None),
    ("00000000000003", "x" * 300, -21.115141, False, 0, "1900-01-01"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writers only")
def test_wide_rows_through_parallel_sqlite_writers_keep_order_and_values(tmp_path, monkeypatch):
    """More threads than tables; unnamed DuckDB columns take the target names. Rows keep their
    order (ids follow it) and their types, also when a table spans several scratch files
    (here one row each)."""
    monkeypatch.setattr(sqlite_parallel, "ARROW_BATCH", 1)
    monkeypatch.setattr(sqlite_parallel, "CHUNK_ROWS", 1)
    run = ImportRun.objects.create()
    unit = LegalUnit.objects.create(
        run=run, siren="000000000", diffusion="O", legal_category="9220", state="A",
        family="association", in_statistique=True, in_loi2014=True,
    )  # fmt: skip
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE src (siret VARCHAR, name VARCHAR, lat DOUBLE, employer BOOLEAN, "
        "workforce_year INTEGER, created_on VARCHAR)"
    )
    con.executemany("INSERT INTO src VALUES (?, ?, ?, ?, ?, ?)", WIDE)
    given = {"siret", "name", "lat", "employer", "workforce_year", "created_on"}
    fixed = {"legal_unit_id": str(unit.pk), "is_head_office": "false", "closed_on": "NULL",
             "lon": "NULL"}  # fmt: skip
    values = [c if c in given else fixed.get(c, "''") for c in load.ESTABLISHMENT_COLUMNS]
    columns = ["run_id", *load.ESTABLISHMENT_COLUMNS]
    select = f"SELECT {run.pk}, {', '.join(values)} FROM src ORDER BY siret"
    sqlite_parallel.load(con, [(select, Establishment._meta.db_table, columns)], tmp_path,
                         lambda n: n, threads=5)  # fmt: skip
    got = list(
        Establishment.objects.filter(run=run)
        .order_by("id")
        .values_list("siret", "name", "lat", "employer", "workforce_year", "created_on")
    )
    assert [row[:5] for row in got] == [row[:5] for row in WIDE]
    assert [str(row[5]) if row[5] else None for row in got] == [row[5] for row in WIDE]
    assert not (tmp_path / "sqlite-parts").exists()


@pytest.fixture
def sink_table():
    """A plain table outside the migrations, dropped afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t_sink (id integer PRIMARY KEY, a integer)")
    yield "t_sink"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE t_sink")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writers only")
def test_a_failing_sqlite_writer_stops_the_load_and_leaves_no_scratch_file(tmp_path, sink_table):
    con = duckdb.connect()
    jobs = [
        ("SELECT 1 AS a", sink_table, ["a"]),
        ("SELECT error('disque plein') AS b", sink_table, ["a"]),
    ]
    with pytest.raises(Exception, match="disque plein"):
        sqlite_parallel.load(con, jobs, tmp_path, lambda n: n, threads=2)
    assert not (tmp_path / "sqlite-parts").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writers only")
def test_a_failing_copy_stops_the_writers_and_leaves_no_scratch_file(
    tmp_path, monkeypatch, sink_table
):
    """The first scratch file cannot be copied (disk full, say): the writer still producing the
    next ones stops at its next batch instead of writing the whole table."""
    monkeypatch.setattr(sqlite_parallel, "ARROW_BATCH", 10)
    monkeypatch.setattr(sqlite_parallel, "CHUNK_ROWS", 10)

    def full_disk(spec, part):
        raise OSError("disque plein")

    monkeypatch.setattr(sqlite_parallel, "_copy_in", full_disk)
    written = []
    con = duckdb.connect()
    jobs = [("SELECT range AS a FROM range(100000)", sink_table, ["a"])]
    with pytest.raises(OSError, match="disque plein"):
        sqlite_parallel.load(con, jobs, tmp_path, written.append, threads=1)
    assert sum(written) < 100000
    assert not (tmp_path / "sqlite-parts").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writers only")
def test_a_write_into_a_missing_table_names_it_and_leaves_no_scratch_file(tmp_path):
    con = duckdb.connect()
    jobs = [("SELECT range AS a FROM range(10)", "t_absent", ["a"])]
    with pytest.raises(RuntimeError, match="t_absent"):
        sqlite_parallel.load(con, jobs, tmp_path, lambda n: n, threads=1)
    assert not (tmp_path / "sqlite-parts").exists()


@pytest.mark.django_db(transaction=True)
def test_twins_swapped_in_outside_a_transaction_keep_rows_indexes_and_sequences():
    """The path of a real import (autocommit): PostgreSQL builds the twins' indexes on parallel
    connections and attaches the primary keys; SQLite creates them at the swap."""

    from essor.sirene.pipeline import tables

    def constraints():
        with connection.cursor() as cursor:
            return {
                model._meta.db_table: connection.introspection.get_constraints(
                    cursor, model._meta.db_table
                )
                for model in tables.MODELS
            }

    def shape(found):  # name -> (columns, primary key, index)
        return {
            table: {n: (c["columns"], c["primary_key"], c["index"]) for n, c in items.items()}
            for table, items in found.items()
        }

    old = ImportRun.objects.create()
    EstablishmentAggregate.objects.create(run=old, commune_code="44109", state="A", count=1)
    before = shape(constraints())
    run = ImportRun.objects.create()
    _swap_in_one_aggregate_row(run)
    assert shape(constraints()) == before
    assert list(EstablishmentAggregate.objects.values_list("run_id", "commune_code")) == [
        (run.pk, "75056")
    ]
    added = EstablishmentAggregate.objects.create(run=run, commune_code="01001", state="A", count=2)
    assert added.pk > EstablishmentAggregate.objects.exclude(pk=added.pk).get().pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's sqlite_schema rename")
def test_sqlite_indexes_built_before_the_swap_take_the_migration_names_intact():
    """The twins' indexes are built under temporary names before the swap, which renames them
    in sqlite_schema: same statements as the migrations', a sound file, the planner uses them,
    and a later migration can drop them by name."""
    from django.db import transaction

    from essor.sirene.pipeline import tables

    def index_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                "AND sql IS NOT NULL ORDER BY name"
            )
            return [row for row in cursor.fetchall() if row[1].removesuffix(tables.SUFFIX) in names]

    names = {tables.live_name(model) for model in tables.MODELS}

    before = index_sql()
    run = ImportRun.objects.create()
    tables.create_next()
    twin = tables.next_name(Establishment)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{twin}" (run_id, legal_unit_id, siret, siren, diffusion, name, '
            "enseigne, usual_name, sigle, address, postal_code, source_commune_code, "
            "commune_code, arrondissement_code, epci_siren, departement_code, region_code, naf, "
            "naf_division, workforce_band, employer, state, is_head_office, qpv_code) VALUES "
            "(%s, 1, '35600000000048', '356000000', 'O', 'La Poste', '', '', '', '', '', "
            "'44109', '44109', '', '244400404', '44', '52', '', '', '', NULL, 'A', 1, '')",
            [run.pk],
        )
    tables.build_indexes()
    temporary = {name for name, table, _sql in index_sql() if table.endswith(tables.SUFFIX)}
    assert temporary == {name + tables.SUFFIX for name, _t, _s in before}
    with transaction.atomic():
        tables.swap()
    assert index_sql() == before
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchall() == [("ok",)]
        siret_index = next(
            name for name, table, sql in before if table == Establishment._meta.db_table
            and '"siret"' in sql
        )  # fmt: skip
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM sirene_establishment WHERE run_id = %s "
            "AND siret = '35600000000048'",
            [run.pk],
        )
        assert siret_index in " ".join(str(row) for row in cursor.fetchall())
        cursor.execute(f'DROP INDEX "{siret_index}"')
    assert Establishment.objects.get(siret="35600000000048").run_id == run.pk
    assert siret_index not in {name for name, _t, _s in index_sql()}
    with connection.cursor() as cursor:  # the migration's index back, for the next tests
        cursor.execute(next(sql for name, _t, sql in before if name == siret_index))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's sqlite_schema rename")
def test_sqlite_that_refuses_schema_edits_gets_its_indexes_built_at_the_swap(monkeypatch):
    """A SQLite built in "defensive" mode refuses writable_schema: the swap then builds the
    indexes under their names itself, and the result is the same."""
    from django.db import OperationalError

    from essor.sirene.pipeline import tables

    def refused(cursor, indexes):
        cursor.execute("SELECT 1")
        raise OperationalError("table sqlite_master may not be modified")

    monkeypatch.setattr(tables, "_rename_in_schema", refused)

    def index_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")
            return sorted(cursor.fetchall())

    before = index_names()
    run = ImportRun.objects.create()
    _swap_in_one_aggregate_row(run)
    assert index_names() == before
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchall() == [("ok",)]
    assert EstablishmentAggregate.objects.get().run_id == run.pk


def _swap_in_one_aggregate_row(run: ImportRun) -> None:
    """What an import does, with one aggregate row: twins, their indexes, the swap."""
    from django.db import transaction

    from essor.sirene.pipeline import tables

    tables.create_next()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{tables.next_name(EstablishmentAggregate)}" (run_id, commune_code, '
            "commune_known, naf_division, workforce_band, state, employer, count) "
            "VALUES (%s, '75056', true, '88', '', 'A', NULL, 5)",
            [run.pk],
        )
    tables.build_indexes()
    with transaction.atomic():
        tables.swap()
