"""The bulk writes keep every value and its type, whatever the path (SQLite JSON batches,
SQLite executemany, PostgreSQL COPY)."""

import duckdb
import pytest
from django.db import connection

from essor.sirene.models import EstablishmentAggregate, ImportRun
from essor.sirene.pipeline import load

ROWS = [
    # commune_code, commune_known, naf_division, workforce_band, state, employer, count
    ("01000", True, "", "", "A", None, 1),
    ("75056", True, "01", "NN", "F", True, 2_000_000_000),
    ('"\\é', False, "9Z", "53", "A", False, 0),
    ("(vide", False, "", "", "", None, 7),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("json_max_columns", [0, 10])
def test_aggregate_rows_round_trip(tmp_path, monkeypatch, json_max_columns):
    monkeypatch.setattr(load, "JSON_MAX_COLUMNS", json_max_columns)
    run = ImportRun.objects.create()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE out_agg (commune_code VARCHAR, commune_known BOOLEAN, naf_division VARCHAR,"
        " workforce_band VARCHAR, state VARCHAR, employer BOOLEAN, count BIGINT)"
    )
    con.executemany("INSERT INTO out_agg VALUES (?, ?, ?, ?, ?, ?, ?)", ROWS)
    select = load._select("out_agg", load.AGGREGATE_COLUMNS, run.pk, order="commune_code")
    table = EstablishmentAggregate._meta.db_table
    load._load(con, [(select, table, ["run_id", *load.AGGREGATE_COLUMNS])], tmp_path, lambda n: n)
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
    load.delete_rows([run.pk])
