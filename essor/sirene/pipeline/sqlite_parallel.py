"""SQLite: the run's rows written by several processes, then copied into the twins in C.

A SQLite file has one writer at a time, and most of a bulk write's cost is Python turning
DuckDB values into objects and binding them (sqlite_rows.py), on one core. So each worker
process takes a contiguous slice of every table's rows and writes it into its own scratch
SQLite file (untyped tables, no index, no journal); the parent then attaches the scratch files
and copies them with `INSERT … SELECT` (SQLite's own C loop, no Python per value), slice after
slice so that the rows keep their order.

    parent: DuckDB query -> Parquet file per table
    worker k: rows [k·n/W, (k+1)·n/W) of each file -> scratch-k.sqlite3 (sqlite_rows.insert_rows)
    parent: ATTACH scratch-k; INSERT INTO twin SELECT … FROM scratch-k.table

Workers print one line per batch written (its row count): the parent's progress bar. They do
not import Django. `python -m essor.sirene.pipeline.sqlite_parallel <JSON>` runs one worker.
"""

import json
import os
import re
import selectors
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import connection, transaction

from essor.sirene.pipeline.sqlite_rows import insert_rows

# Below this many rows in all, the import writes in-process (starting workers costs ~0.5 s).
MIN_ROWS = 200_000
WORKER_MEMORY = "1GB"
# Memory of the last parallel write (MB), for the benchmark: the parent's resident size when
# the workers started, and each worker's peak (its own, read from /proc: ru_maxrss of a child
# would count the parent's pages it was forked with).
last_memory: dict[str, object] = {}


def _peak_kib(field: str = "VmHWM") -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def usable() -> bool:
    """ATTACH is refused inside a transaction (tests, or an outer atomic block)."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def worker_count() -> int:
    return max(1, int(settings.DUCKDB_THREADS) or os.cpu_count() or 2)


def load(
    con: duckdb.DuckDBPyConnection,
    jobs: list[tuple[str, str, list[str]]],
    work_dir: Path,
    advance: Callable[[int], None],
    workers: int | None = None,
) -> None:
    """jobs: (DuckDB SELECT, target table, target columns), as load._load takes them."""
    workers = workers or worker_count()
    scratch = work_dir / "sqlite-parts"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        specs = _export(con, jobs, scratch)
        parts = [scratch / f"part-{k}.sqlite3" for k in range(workers)]
        _run_workers(specs, parts, advance)
        _copy_in(specs, parts)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _export(con, jobs, scratch: Path) -> list[dict]:
    specs = []
    for index, (select_sql, table, columns) in enumerate(jobs):
        path = scratch / f"job-{index}.parquet"
        target = str(path).replace("'", "''")
        con.execute(f"COPY ({select_sql}) TO '{target}' (FORMAT parquet, COMPRESSION uncompressed)")
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
        specs.append(
            {
                "parquet": str(path),
                "rows": rows,
                "table": f"t{index}",
                "target": table,
                "columns": columns,
            }  # fmt: skip
        )
    return specs


def _slice(rows: int, worker: int, workers: int) -> tuple[int, int]:
    start, end = rows * worker // workers, rows * (worker + 1) // workers
    return start, end - start


def _run_workers(specs: list[dict], parts: list[Path], advance) -> None:
    procs = []
    selector = selectors.DefaultSelector()
    try:
        for worker, part in enumerate(parts):
            task = {
                "target": str(part),
                "jobs": [
                    {**spec, "slice": _slice(spec["rows"], worker, len(parts))} for spec in specs
                ],
            }
            proc = subprocess.Popen(
                [sys.executable, "-m", __name__, json.dumps(task)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            procs.append(proc)
            selector.register(proc.stdout, selectors.EVENT_READ)
        last_memory.clear()
        last_memory.update(parent_rss_mb=_peak_kib("VmRSS") // 1024, workers_peak_mb=[])
        open_pipes = len(procs)
        while open_pipes:
            for key, _ in selector.select():
                line = key.fileobj.readline()
                if not line:
                    selector.unregister(key.fileobj)
                    open_pipes -= 1
                elif line.strip().isdigit():
                    advance(int(line))
                elif line.startswith("peak_kib "):
                    last_memory["workers_peak_mb"].append(int(line.split()[1]) // 1024)
        for proc in procs:
            if proc.wait() != 0:
                error = _error_line(proc.stderr.read())
                raise RuntimeError(f"Écriture SQLite parallèle en échec : {error}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        selector.close()


def _error_line(stderr: str) -> str:
    """The exception line of a worker's traceback (DuckDB adds context lines after it)."""
    lines = [
        line
        for line in stderr.splitlines()
        if line and not line[0].isspace() and not line.startswith(("Traceback", "LINE "))
    ]
    errors = [line for line in lines if re.search(r"(Error|Exception)$", line.split(":")[0])]
    return (errors or lines or ["?"])[-1]


def _copy_in(specs: list[dict], parts: list[Path]) -> None:
    connection.ensure_connection()
    raw = connection.connection
    aliases = [f"part{k}" for k in range(len(parts))]
    for alias, part in zip(aliases, parts, strict=True):
        raw.execute(f"ATTACH DATABASE ? AS {alias}", (str(part),))
    try:
        for spec in specs:
            names = ", ".join(f'"{c}"' for c in spec["columns"])
            with transaction.atomic():
                for alias in aliases:
                    raw.execute(
                        f'INSERT INTO main."{spec["target"]}" ({names}) '
                        f"SELECT {names} FROM {alias}.{spec['table']} ORDER BY rowid"
                    )
    finally:
        for alias in aliases:
            raw.execute(f"DETACH DATABASE {alias}")


def work(task: dict) -> None:
    """One worker: its slice of each Parquet file into its own scratch SQLite file."""
    con = duckdb.connect(
        config={"threads": 1, "memory_limit": WORKER_MEMORY, "preserve_insertion_order": True}
    )
    raw = sqlite3.connect(task["target"], isolation_level=None)
    raw.execute("PRAGMA journal_mode = OFF")
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("BEGIN")
    for job in task["jobs"]:
        names = ", ".join(f'"{c}"' for c in job["columns"])
        # Untyped columns: values stay as bound; the twin's own types apply when copied in.
        raw.execute(f"CREATE TABLE {job['table']} ({names})")
        offset, limit = job["slice"]
        source = job["parquet"].replace("'", "''")
        select = f"SELECT * FROM read_parquet('{source}') LIMIT {limit} OFFSET {offset}"

        def report(count: int) -> None:
            print(count, flush=True)

        insert_rows(con, select, raw, job["table"], job["columns"], report)
    raw.execute("COMMIT")
    raw.close()
    print(f"peak_kib {_peak_kib()}", flush=True)


if __name__ == "__main__":
    work(json.loads(sys.argv[1]))
