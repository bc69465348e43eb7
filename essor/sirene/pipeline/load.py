"""Bulk writes from DuckDB tables into the application database.

PostgreSQL: COPY FROM STDIN of CSV files written by DuckDB, on parallel connections (pgcopy.py).
SQLite: for a large import, Arrow batches bound in C by the ADBC driver into scratch files on
parallel threads, copied in afterwards (sqlite_parallel.py); else executemany over batches
fetched from DuckDB (narrow tables: JSON batches; sqlite_rows.py). Rows go into the twins of the live tables (tables.py), outside any
transaction: nothing shows them until the swap.
"""

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from essor.sirene.models import Establishment, EstablishmentAggregate, ImportRun, LegalUnit
from essor.sirene.pipeline import pgcopy, sqlite_parallel, sqlite_rows, tables
from essor.sirene.pipeline.sqlite_rows import insert_rows

JSON_MAX_COLUMNS = sqlite_rows.JSON_MAX_COLUMNS  # tests set it to 0 (executemany only)
SQLITE_WRITE_CACHE_KIB = 256 * 1024

LEGAL_UNIT_COLUMNS = (
    "siren diffusion name usual_name sigle legal_category naf naf_nomenclature workforce_band "
    "workforce_year employer state created_on rna head_office_nic sirene_ess_flag "
    "in_ess_france_list esus siae_kind family in_statistique in_loi2014"
).split()
ESTABLISHMENT_COLUMNS = (
    "legal_unit_id siret siren diffusion name enseigne usual_name sigle address postal_code "
    "source_commune_code commune_code arrondissement_code epci_siren departement_code "
    "region_code naf naf_division workforce_band workforce_year employer state created_on "
    "closed_on is_head_office lat lon qpv_code"
).split()
AGGREGATE_COLUMNS = (
    "commune_code commune_known naf_division workforce_band state employer count".split()
)


def _insert_sqlite(con, select_sql: str, table: str, columns: list[str], advance) -> None:
    """In-process, on the raw sqlite3 connection, one transaction per batch (autocommit would
    commit every row). Dates are cast to ISO text in the SELECT: what Django stores."""
    connection.ensure_connection()
    insert_rows(
        con, select_sql, connection.connection, table, columns, advance,
        batch_transaction=transaction.atomic, json_max_columns=JSON_MAX_COLUMNS,
    )  # fmt: skip


def _load(
    con,
    jobs: list[tuple[str, str, list[str]]],
    work_dir: Path,
    advance,
    rows: list[int] | None = None,
) -> None:
    """PostgreSQL: parallel COPY. SQLite: a large write outside any transaction as Arrow
    batches on parallel threads (sqlite_parallel.py), else in-process. `rows`: per job."""
    if connection.vendor == "postgresql":
        pgcopy.copy_tables(con, jobs, work_dir, advance)
    elif sum(rows or []) >= sqlite_parallel.MIN_ROWS and sqlite_parallel.usable():
        sqlite_parallel.load(con, jobs, work_dir, advance, rows=rows, table_done=tables.index_twin)
    else:
        for select_sql, table, columns in jobs:
            _insert_sqlite(con, select_sql, table, columns, advance)


def _select(
    table: str, columns: list[str], run_id: int, dates: tuple[str, ...] = (), order: str = ""
) -> str:
    """Rows sorted by the main indexed column: index inserts then touch pages in order."""
    cast = [f"CAST({c} AS VARCHAR) AS {c}" if c in dates else c for c in columns]
    sql = f"SELECT {run_id} AS run_id, {', '.join(cast)} FROM {table}"
    return f"{sql} ORDER BY {order}" if order else sql


def write_all(con, run: ImportRun, work_dir: Path, advance: Callable[[int], None]) -> None:
    """The run's rows into empty twins of the live tables (tables.py), then their indexes under
    temporary names (SQLite's parallel path builds each twin's as soon as it is full). The live
    tables are not touched."""
    first_ids = tables.create_next()
    # SQLite: a bigger page cache while writing (B-tree pages updated in place, not re-read).
    with _large_sqlite_cache(SQLITE_WRITE_CACHE_KIB):
        _write_all(con, run, work_dir, advance, first_ids)
    tables.build_indexes()


OUT_TABLES = ("out_ul", "out_etab", "out_agg")


def _write_all(con, run: ImportRun, work_dir: Path, advance, first_ids: dict[str, int]) -> None:
    run_id = run.pk
    # Legal-unit ids follow their rank in SIREN order (transform.build_legal_units), after the
    # live table's: the establishments carry theirs (ul_seq) and nothing is read back, so all
    # three tables are written in one go (in parallel on PostgreSQL).
    before = first_ids[LegalUnit._meta.db_table] - 1
    last_id = before + con.execute("SELECT count(*) FROM out_ul").fetchone()[0]
    legal_units = f"(SELECT {before} + seq AS id, * FROM out_ul)"
    establishments = f"(SELECT {before} + ul_seq AS legal_unit_id, * FROM out_etab_geo)"
    dates = ("created_on", "closed_on")
    jobs = [
        (
            _select(legal_units, ["id", *LEGAL_UNIT_COLUMNS], run_id, ("created_on",), "id"),
            tables.next_name(LegalUnit),
            ["run_id", "id", *LEGAL_UNIT_COLUMNS],
        ),
        (
            _select(establishments, ESTABLISHMENT_COLUMNS, run_id, dates, "commune_code, siret"),
            tables.next_name(Establishment),
            ["run_id", *ESTABLISHMENT_COLUMNS],
        ),
        (
            _select("out_agg", AGGREGATE_COLUMNS, run_id, order="commune_code"),
            tables.next_name(EstablishmentAggregate),
            ["run_id", *AGGREGATE_COLUMNS],
        ),
    ]
    rows = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in OUT_TABLES]
    _load(con, jobs, work_dir, advance, rows)
    tables.after_explicit_ids(LegalUnit, last_id)


@contextmanager
def _large_sqlite_cache(kib: int):
    """A bigger SQLite page cache for a bulk write; SQLite only allocates the pages it uses.
    The previous size is restored."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(previous)}")
