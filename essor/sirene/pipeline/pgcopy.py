"""PostgreSQL bulk load: DuckDB writes CSV files, psycopg streams them with COPY FROM STDIN.

The files are cut at line boundaries and streamed by parallel connections (one per core): the
cost is in PostgreSQL (index upkeep, foreign-key checks), which one COPY runs on one core only.
When the caller holds a transaction (tests, or an outer atomic block), everything goes through
Django's connection instead, so that the rows belong to that transaction.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

BLOCK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Part:
    table: str
    columns: str
    path: Path
    start: int
    end: int


def split(table: str, columns: list[str], path: Path, parts: int) -> list[Part]:
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as handle:
        for index in range(1, parts):
            handle.seek(size * index // parts)
            handle.readline()
            cuts.append(max(cuts[-1], min(handle.tell(), size)))
    cuts.append(size)
    names = ", ".join(columns)
    return [Part(table, names, path, a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _stream(cursor, part: Part, advance: Callable[[int], None]) -> None:
    with cursor.copy(f"COPY {part.table} ({part.columns}) FROM STDIN (FORMAT csv)") as copy:
        with part.path.open("rb") as handle:
            handle.seek(part.start)
            left = part.end - part.start
            while left > 0:
                block = handle.read(min(BLOCK, left))
                if not block:
                    break
                left -= len(block)
                copy.write(block)
                advance(block.count(b"\n"))


def _stream_own_connection(part: Part, advance: Callable[[int], None]) -> None:
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            _stream(cursor, part, advance)
    finally:
        raw.close()


def copy_parts(parts: list[Part], advance: Callable[[int], None]) -> None:
    if connection.in_atomic_block or len(parts) < 2:
        with connection.cursor() as cursor:
            for part in parts:
                _stream(cursor.cursor, part, advance)
        return
    workers = max(1, min(len(parts), int(settings.DUCKDB_THREADS) or os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(_stream_own_connection, part, advance) for part in parts]:
            future.result()


def copy_tables(con, jobs: list[tuple[str, str, list[str]]], work_dir: Path, advance) -> None:
    """jobs: (DuckDB SELECT, target table, target columns). All of them are loaded together."""
    parallel = max(1, int(settings.DUCKDB_THREADS))
    files, parts = [], []
    try:
        for select_sql, table, columns in jobs:
            path = work_dir / f"copy-{table}.csv"
            files.append(path)
            target = "'" + str(path).replace("'", "''") + "'"
            con.execute(f"COPY ({select_sql}) TO {target} (FORMAT csv, HEADER false)")
            if path.stat().st_size:
                parts.extend(split(table, columns, path, parallel))
        copy_parts(parts, advance)
    finally:
        for path in files:
            path.unlink(missing_ok=True)
