"""SQLite: a large write as Arrow batches into scratch files, copied into the twins in C.

Python's sqlite3 binds every value from a Python object: 22 s for 1.5 M rows × 31 columns, half
of it DuckDB turning values into objects. Here DuckDB hands Arrow record batches to the ADBC
SQLite driver (`adbc-driver-sqlite`), which binds them in C: about 5 s for the same rows. The
driver ships its own SQLite library, so it never opens the application's database (two SQLite
libraries on one file in one process can drop each other's locks): writer threads put the rows
into scratch files of at most CHUNK_ROWS rows (untyped by SQLite's rules: the twins' types apply
when copied; no journal), and the application's connection attaches each finished file and
copies it with `INSERT … SELECT` (SQLite's own C loop) while the writers go on with the next
ones: the copy (one core) overlaps DuckDB and the driver.

    writer k: DuckDB query -> Arrow batches -> ADBC -> <table>-0.sqlite3, <table>-1.sqlite3, …
    main:     for each finished file: ATTACH; INSERT INTO twin SELECT … ORDER BY rowid; DETACH
              for each finished table: table_done(twin) (its indexes, tables.index_twin)

A table's files come from one writer, in order, so its rows keep the query's order.
"""

import queue
import shutil
import threading
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
CHUNK_ROWS = 250_000  # rows per scratch file: the copy starts after the first one


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
    table_done: Callable[[str], None] | None = None,
) -> None:
    """jobs: (DuckDB SELECT whose columns are named as the target columns, target table, target
    columns), as load._load takes them; `rows`: their row counts, to share the work out;
    `table_done(target)` runs in this thread once a table's last rows are copied (indexes),
    while the writers go on with the other tables."""
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
    ready: queue.Queue = queue.Queue()
    stop = threading.Event()
    try:
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            for k, group in enumerate(groups):
                writer = _Writer(con.cursor(), scratch / f"w{k}", ready, stop, advance)
                pool.submit(writer.run, [specs[i] for i in group])
            try:
                _copy_all(ready, len(groups), table_done)
            except BaseException:
                stop.set()  # the writers stop at their next batch
                raise
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


class _Stopped(Exception):
    """The copy failed: a writer stops at its next batch."""


_FINISHED = object()


class _Writer:
    """One thread: its tables, through its own DuckDB cursor, into scratch files of at most
    CHUNK_ROWS rows, each put on `ready` as (spec, path) once written; then _FINISHED, or the
    exception that stopped it."""

    def __init__(self, cursor, folder: Path, ready: queue.Queue, stop: threading.Event, advance):
        self.cursor, self.folder, self.ready, self.stop = cursor, folder, ready, stop
        self.advance = advance

    def run(self, specs: list[dict]) -> None:
        try:
            self.folder.mkdir(parents=True)
            for spec in specs:
                self._write(spec)
                self.ready.put((spec, None))  # the table is complete
            self.ready.put(_FINISHED)
        except BaseException as exc:  # noqa: BLE001 - handed to the copying thread
            self.ready.put(exc)
        finally:
            self.cursor.close()

    def _write(self, spec: dict) -> None:
        reader = self.cursor.sql(spec["select"]).to_arrow_reader(ARROW_BATCH)
        schema = pa.schema(
            [f.with_name(n) for f, n in zip(reader.schema, spec["columns"], strict=True)]
        )
        batches = (pa.RecordBatch.from_arrays(b.columns, schema=schema) for b in reader)
        self.pending = next(batches, None)
        index = 0
        while self.pending is not None:
            part = self.folder / f"{spec['table']}-{index}.sqlite3"
            chunk = pa.RecordBatchReader.from_batches(schema, self._take(batches))
            with adbc.connect(str(part), autocommit=True) as db, db.cursor() as out:
                for pragma in ("journal_mode = OFF", "synchronous = OFF"):
                    out.execute(f"PRAGMA {pragma}")
                    out.fetchall()
                out.execute("BEGIN")
                out.adbc_ingest("t", chunk, mode="create")
                out.execute("COMMIT")
            self.ready.put((spec, part))
            index += 1

    def _take(self, batches):
        """Batches up to CHUNK_ROWS rows (at least one), each counted on the progress bar."""
        rows = 0
        while self.pending is not None and (
            rows == 0 or rows + self.pending.num_rows <= CHUNK_ROWS
        ):
            if self.stop.is_set():
                raise _Stopped
            batch, self.pending = self.pending, next(batches, None)
            rows += batch.num_rows
            self.advance(batch.num_rows)
            yield batch


def _copy_all(ready: queue.Queue, writers: int, table_done=None) -> None:
    """Copies each scratch file as it comes, until every writer has finished."""
    finished = 0
    while finished < writers:
        item = ready.get()
        if item is _FINISHED:
            finished += 1
        elif isinstance(item, BaseException):
            raise item
        else:
            spec, part = item
            if part is None:
                if table_done is not None:
                    table_done(spec["target"])
            else:
                _copy_in(spec, part)
                part.unlink()


def _copy_in(spec: dict, part: Path) -> None:
    """One scratch file into its twin, rows in order, in one transaction."""
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("ATTACH DATABASE ? AS part", (str(part),))
    try:
        names = ", ".join(f'"{c}"' for c in spec["columns"])
        with transaction.atomic():
            raw.execute(
                f'INSERT INTO main."{spec["target"]}" ({names}) '
                f"SELECT {names} FROM part.t ORDER BY rowid"
            )
    finally:
        raw.execute("DETACH DATABASE part")
