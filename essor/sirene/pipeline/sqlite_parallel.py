"""SQLite: a large write as Arrow batches into scratch files, then copied into the twins in C.

Python's sqlite3 binds every value from a Python object: 22 s for 1.5 M rows × 31 columns, half
of it DuckDB turning values into objects. Here DuckDB hands Arrow record batches to the ADBC
SQLite driver (`adbc-driver-sqlite`), which binds them in C: about 5 s for the same rows. The
driver ships its own SQLite library, so it never opens the application's database (two SQLite
libraries on one file in one process can drop each other's locks): each thread writes some of
the tables into its own scratch file (untyped by SQLite's rules: the twins' types apply when
copied; no journal), then the application's connection attaches the scratch files and copies
them with `INSERT … SELECT` (SQLite's own C loop), table by table, rows in order.

    thread k: DuckDB query -> Arrow batches -> ADBC -> scratch-k.sqlite3 (tables t0, t1, …)
    then:     ATTACH scratch-k; INSERT INTO twin SELECT … FROM scratch-k.t<i>
"""

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import adbc_driver_sqlite.dbapi as adbc
import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction

# Below this many rows in all, the import writes in-process with sqlite3 (sqlite_rows.py).
MIN_ROWS = 200_000
ARROW_BATCH = 100_000


def usable() -> bool:
    """ATTACH is refused inside a transaction (tests, or an outer atomic block)."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def thread_count() -> int:
    return max(1, int(settings.DUCKDB_THREADS) or 2)


def load(
    con: duckdb.DuckDBPyConnection,
    jobs: list[tuple[str, str, list[str]]],
    work_dir: Path,
    advance: Callable[[int], None],
    threads: int | None = None,
    rows: list[int] | None = None,
) -> None:
    """jobs: (DuckDB SELECT whose columns are named as the target columns, target table, target
    columns), as load._load takes them; `rows`: their row counts, to share the work out."""
    scratch = work_dir / "sqlite-parts"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    specs = [
        {"select": select, "target": table, "columns": columns, "table": f"t{index}"}
        for index, (select, table, columns) in enumerate(jobs)
    ]
    counts = rows or [1] * len(specs)
    weights = [(r or 1) * len(s["columns"]) for r, s in zip(counts, specs, strict=True)]
    groups = _share(list(range(len(specs))), weights, threads or thread_count())
    parts = [scratch / f"part-{k}.sqlite3" for k in range(len(groups))]
    try:
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            futures = [
                pool.submit(_ingest, con.cursor(), [specs[i] for i in group], part, advance)
                for group, part in zip(groups, parts, strict=True)
            ]
            for future in futures:
                future.result()
        owner = {
            spec["table"]: k for k, group in enumerate(groups) for spec in (specs[i] for i in group)
        }
        _copy_in(specs, parts, owner)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _share(indexes: list[int], weights: list[int], count: int) -> list[list[int]]:
    """Heaviest first, each to the lightest group (jobs keep their order within a group)."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(count, len(indexes))))]
    loads = [0] * len(groups)
    for index in sorted(indexes, key=lambda i: -weights[i]):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += weights[index]
    return [sorted(group) for group in groups if group]


def _counted(reader: pa.RecordBatchReader, names: list[str], advance) -> pa.RecordBatchReader:
    """The batches under the target column names, each counted on the progress bar."""
    schema = pa.schema(
        [field.with_name(name) for field, name in zip(reader.schema, names, strict=True)]
    )

    def batches():
        for batch in reader:
            yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)
            advance(batch.num_rows)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _ingest(cursor: duckdb.DuckDBPyConnection, specs: list[dict], part: Path, advance) -> None:
    """One thread: its tables into its own scratch file, through its own DuckDB cursor."""
    try:
        with adbc.connect(str(part), autocommit=True) as db, db.cursor() as out:
            for pragma in ("journal_mode = OFF", "synchronous = OFF"):
                out.execute(f"PRAGMA {pragma}")
                out.fetchall()
            out.execute("BEGIN")
            for spec in specs:
                reader = cursor.sql(spec["select"]).to_arrow_reader(ARROW_BATCH)
                batches = _counted(reader, spec["columns"], advance)
                out.adbc_ingest(spec["table"], batches, mode="create")
            out.execute("COMMIT")
    finally:
        cursor.close()


def _copy_in(specs: list[dict], parts: list[Path], owner: dict[str, int]) -> None:
    connection.ensure_connection()
    raw = connection.connection
    aliases = [f"part{k}" for k in range(len(parts))]
    for alias, part in zip(aliases, parts, strict=True):
        raw.execute(f"ATTACH DATABASE ? AS {alias}", (str(part),))
    try:
        for spec in specs:
            names = ", ".join(f'"{c}"' for c in spec["columns"])
            source = f"{aliases[owner[spec['table']]]}.{spec['table']}"
            with transaction.atomic():
                raw.execute(
                    f'INSERT INTO main."{spec["target"]}" ({names}) '
                    f"SELECT {names} FROM {source} ORDER BY rowid"
                )
    finally:
        for alias in aliases:
            raw.execute(f"DETACH DATABASE {alias}")
