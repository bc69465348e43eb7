"""SQLite: a large write as Arrow batches into scratch files, copied into the twins in C.

Python's sqlite3 binds every value from a Python object: 22 s for 1.5 M rows × 31 columns, half
of it DuckDB turning values into objects. Here DuckDB hands Arrow record batches to the ADBC
SQLite driver (`adbc-driver-sqlite`), which binds them in C: about 5 s for the same rows. The
driver ships its own SQLite library, so it never opens the application's database (two SQLite
libraries on one file in one process can drop each other's locks): writer threads put the rows
into scratch files of at most CHUNK_ROWS rows, and the application's connection attaches each
finished file and copies it in while the writers go on with the next ones: the copy (one core)
overlaps DuckDB and the driver.

    writer k: DuckDB query -> Arrow batches (+ ids) -> ADBC -> <table>-0.sqlite3, -1.sqlite3, …
    main:     for each finished file: ATTACH; INSERT INTO twin SELECT * FROM part.t; DETACH
              for each finished table: table_done(twin) (its indexes, tables.index_twin)

The copy is SQLite's "transfer optimisation": a scratch table declared exactly like its target
(same statement, `_prepare`) is copied record by record, without decoding a single value (half
the time of a column-by-column `INSERT … SELECT` on the wide rows). It needs the rows' ids in the
scratch files: the writer numbers the rows after the target's last id when the query has no id
column. A table's files come from one writer, in order, so ids follow the query's order.
"""

import queue
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import adbc_driver_sqlite.dbapi as adbc
import duckdb
import numpy as np
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
    specs = [
        _prepare({"select": select, "target": table, "columns": columns, "table": f"t{index}"})
        for index, (select, table, columns) in enumerate(jobs)
    ]
    scratch = work_dir / "sqlite-parts"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
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


def _prepare(spec: dict) -> dict:
    """Adds the scratch table's statement (the target's, renamed `t`) and, when the target's
    INTEGER PRIMARY KEY is not among the job's columns, its name and the first free id."""
    connection.ensure_connection()
    raw = connection.connection
    found = raw.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (spec["target"],)
    ).fetchone()
    if found is None:
        raise RuntimeError(f"table {spec['target']} introuvable dans la base")
    statement = found[0]
    spec["ddl"] = 'CREATE TABLE "t" ' + statement[statement.index("(") :]
    target = spec["target"].replace('"', '""')
    key = [
        name
        for _cid, name, kind, _nn, _default, pk in raw.execute(f'PRAGMA table_info("{target}")')
        if pk == 1 and kind.lower() == "integer"
    ]
    if key and key[0] not in spec["columns"]:
        spec["id_column"], spec["next_id"] = key[0], _first_free_id(raw, spec["target"])
    return spec


def _first_free_id(raw, table: str) -> int:
    """After the table's last rowid and its AUTOINCREMENT counter (ids are never reused)."""
    quoted = table.replace('"', '""')
    last = raw.execute(f'SELECT coalesce(max(rowid), 0) FROM "{quoted}"').fetchone()[0]
    has_sequence = raw.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    ).fetchone()
    if has_sequence:
        row = raw.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        last = max(last, int(row[0]) if row else 0)
    return last + 1


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
        fields = [f.with_name(n) for f, n in zip(reader.schema, spec["columns"], strict=True)]
        numbered = "id_column" in spec
        if numbered:
            fields.insert(0, pa.field(spec["id_column"], pa.int64()))
        schema = pa.schema(fields)
        batches = (self._batch(spec, b, schema, numbered) for b in reader)
        self.pending = next(batches, None)
        index = 0
        while self.pending is not None:
            part = self.folder / f"{spec['table']}-{index}.sqlite3"
            chunk = pa.RecordBatchReader.from_batches(schema, self._take(batches))
            with adbc.connect(str(part), autocommit=True) as db, db.cursor() as out:
                for statement in ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF"):
                    out.execute(statement)
                    out.fetchall()
                out.execute("BEGIN")
                out.execute(spec["ddl"])
                out.adbc_ingest("t", chunk, mode="append")
                out.execute("COMMIT")
            self.ready.put((spec, part))
            index += 1

    @staticmethod
    def _batch(spec: dict, batch, schema, numbered: bool):
        """The batch under the target's column names, numbered after the previous one."""
        columns = list(batch.columns)
        if numbered:
            first = spec["next_id"]
            spec["next_id"] += batch.num_rows
            columns.insert(0, pa.array(np.arange(first, first + batch.num_rows, dtype=np.int64)))
        return pa.RecordBatch.from_arrays(columns, schema=schema)

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


def copy_sql(target: str) -> str:
    """`SELECT *` from a table declared like the target, nothing else: the form SQLite copies
    record by record (no column list, no ORDER BY; rows come in rowid, i.e. id, order)."""
    return f'INSERT INTO main."{target}" SELECT * FROM part.t'


def _copy_in(spec: dict, part: Path) -> None:
    """One scratch file into its twin, in one transaction."""
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("ATTACH DATABASE ? AS part", (str(part),))
    try:
        with transaction.atomic():
            raw.execute(copy_sql(spec["target"]))
    finally:
        raw.execute("DETACH DATABASE part")
