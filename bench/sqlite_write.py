"""Where the Sirene import's SQLite write time goes: wide rows from DuckDB into SQLite, five ways,
in one run (compare the ratios, not the absolute times, on a shared machine).

    .venv/bin/python bench/sqlite_write.py [--rows 1500000] [--work var/bench/sqlite-write]

Rows look like the import's establishments: 31 columns (20 text, 8 integer, 2 real, 1 date as
text), written with `executemany` in batches of 50 000 from a DuckDB result, as
essor.sirene.pipeline.load does:
1. into a table with two secondary indexes, default page cache (2 MB);
2. the same with a 256 MiB page cache (what load.write_all now sets);
3. into a table without index, then CREATE INDEX;
4. two processes each writing half into its own file, then INSERT … SELECT into the main
   file, then CREATE INDEX;
5. what the import now does: two threads each handing half the rows as Arrow batches to the
   ADBC SQLite driver (bound in C) into its own file, then INSERT … SELECT, then CREATE INDEX.
Prints one `case=… seconds=…` line per case and the ratios to case 1.
"""

import argparse
import os
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Process
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
NAMES = [f"c{k}" for k in range(20)] + [f"n{k}" for k in range(8)] + ["lat", "lon", "d"]
COLUMNS = (
    ", ".join(f"c{k} TEXT" for k in range(20))
    + ", "
    + ", ".join(f"n{k} INTEGER" for k in range(8))
    + ", lat REAL, lon REAL, d TEXT"
)
INDEXES = ["CREATE INDEX t_i ON t(n0, c0)", "CREATE INDEX t_j ON t(c1)"]
BATCH = 50_000


def make_source(path: Path, rows: int) -> None:
    select = ", ".join(
        [f"'v' || (i % {1000 + k}) AS c{k}" for k in range(20)]
        + [f"CAST(i % {7 + k} AS INTEGER) AS n{k}" for k in range(8)]
        + ["random() AS lat", "random() AS lon", "'2020-01-01' AS d", "i % 2 AS half"]
    )
    duckdb.sql(f"COPY (SELECT {select} FROM range({rows}) r(i)) TO '{path}' (FORMAT parquet)")


def fresh(path: Path, indexed: bool) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, {COLUMNS})")
    for sql in INDEXES if indexed else []:
        con.execute(sql)
    con.commit()
    con.close()


def write(target: Path, source: Path, half: int | None = None, cache_kib: int = 0) -> None:
    where = "" if half is None else f" WHERE half = {half}"
    result = duckdb.connect().execute(f"SELECT {', '.join(NAMES)} FROM '{source}'{where}")
    con = sqlite3.connect(target)
    con.execute("PRAGMA synchronous=OFF")
    if cache_kib:
        con.execute(f"PRAGMA cache_size = -{cache_kib}")
    sql = f"INSERT INTO t ({', '.join(NAMES)}) VALUES ({', '.join(['?'] * len(NAMES))})"
    while rows := result.fetchmany(BATCH):
        con.executemany(sql, rows)
        con.commit()
    con.close()


def index(target: Path) -> None:
    con = sqlite3.connect(target)
    for sql in INDEXES:
        con.execute(sql)
    con.commit()
    con.close()


def parallel(target: Path, source: Path, work: Path) -> None:
    parts = [work / f"part-{k}.sqlite3" for k in range(2)]
    processes = []
    for k, part in enumerate(parts):
        fresh(part, indexed=False)
        process = Process(target=write, args=(part, source, k))
        process.start()
        processes.append(process)
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"writer process failed ({process.exitcode})")
    con = sqlite3.connect(target)
    for k, part in enumerate(parts):
        con.execute(f"ATTACH '{part}' AS p{k}")
        con.execute(f"INSERT INTO t ({', '.join(NAMES)}) SELECT {', '.join(NAMES)} FROM p{k}.t")
        con.commit()
        con.execute(f"DETACH p{k}")
    con.close()
    index(target)
    for part in parts:
        part.unlink()


def arrow(target: Path, source: Path, work: Path) -> None:
    """What the import does: Arrow batches bound in C by the ADBC driver, into a scratch file
    on each of two threads (half the rows each), then INSERT … SELECT and the indexes."""
    import adbc_driver_sqlite.dbapi as adbc  # noqa: PLC0415

    con = duckdb.connect()
    parts = [work / f"arrow-{k}.sqlite3" for k in range(2)]

    def ingest(k: int) -> None:
        part = parts[k]
        part.unlink(missing_ok=True)
        reader = (
            con.cursor()
            .sql(f"SELECT {', '.join(NAMES)} FROM '{source}' WHERE half = {k}")
            .to_arrow_reader(100_000)
        )
        with adbc.connect(str(part)) as db, db.cursor() as cursor:
            cursor.adbc_ingest("t", reader, mode="create")
            db.commit()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(ingest, k) for k in range(2)]:
            future.result()
    target_con = sqlite3.connect(target)
    for k, part in enumerate(parts):
        target_con.execute(f"ATTACH '{part}' AS p{k}")
        target_con.execute(
            f"INSERT INTO t ({', '.join(NAMES)}) SELECT {', '.join(NAMES)} FROM p{k}.t"
        )
        target_con.commit()
        target_con.execute(f"DETACH p{k}")
    target_con.close()
    index(target)
    for part in parts:
        part.unlink()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--work", default=str(ROOT / "var" / "bench" / "sqlite-write"))
    options = parser.parse_args(argv)
    work = Path(options.work)
    work.mkdir(parents=True, exist_ok=True)
    source, target = work / "source.parquet", work / "target.sqlite3"
    make_source(source, options.rows)
    cases = [
        ("indexed, default cache", True, lambda: write(target, source)),
        ("indexed, 256 MiB cache", True, lambda: write(target, source, cache_kib=256 * 1024)),
        ("no index, then indexes", False, lambda: (write(target, source), index(target))),
        ("2 writer processes, copy, indexes", False, lambda: parallel(target, source, work)),
        ("Arrow via ADBC, 2 threads, copy, indexes", False, lambda: arrow(target, source, work)),
    ]
    first = None
    print(f"rows={options.rows} load_before={os.getloadavg()[0]:.1f}", flush=True)
    for label, indexed, run in cases:
        fresh(target, indexed)
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
        count = sqlite3.connect(target).execute("SELECT count(*) FROM t").fetchone()[0]
        if count != options.rows:
            raise SystemExit(f"{label}: {count} rows written, {options.rows} expected")
        first = first or seconds
        print(f'case="{label}" seconds={seconds:.1f} ratio={seconds / first:.2f}', flush=True)
    print(f"load_after={os.getloadavg()[0]:.1f}", flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
