"""Rows of a DuckDB query into a SQLite table through Python's sqlite3: the small writes, and any
write inside a transaction (large ones outside go through sqlite_parallel.py).

Most of the cost is executemany binding each value (and DuckDB turning each value into a Python
object). Narrow tables (the aggregates) go as one JSON text per batch instead, built by DuckDB
(one array per row) and spread by `json_each`: about 2x faster. JSON keeps the types (numbers,
booleans as 1/0, NULL; doubles round-trip). Not for wide rows: SQLite re-parses the row's array
for each `->>` (measured 2x slower than executemany on 31 columns, SQLite 3.40 and 3.54 alike).
"""

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import duckdb

BATCH = 50_000
JSON_MAX_COLUMNS = 10


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    raw: sqlite3.Connection,
    table: str,
    columns: list[str],
    advance: Callable[[int], None],
    batch_transaction: Callable[[], AbstractContextManager] = nullcontext,
    json_max_columns: int | None = None,
) -> None:
    """`select_sql` (DuckDB) gives the values of `columns`, in that order. Each batch runs in
    `batch_transaction()` (the caller's choice: one per batch, or one for everything)."""
    names = ", ".join(f'"{c}"' for c in columns)
    limit = JSON_MAX_COLUMNS if json_max_columns is None else json_max_columns
    if len(columns) <= limit and sqlite3.sqlite_version_info >= (3, 38):
        values = ", ".join(f"value ->> {index}" for index in range(len(columns)))
        sql = f'INSERT INTO "{table}" ({names}) SELECT {values} FROM json_each(?)'
        result = con.execute(f"SELECT CAST(json_array({names}) AS VARCHAR) FROM ({select_sql})")
        while rows := result.fetchmany(BATCH):
            text = "[" + ",".join([row[0] for row in rows]) + "]"
            with batch_transaction():
                raw.execute(sql, (text,))
            advance(len(rows))
        return
    result = con.execute(select_sql)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["?"] * len(columns))})'
    while rows := result.fetchmany(BATCH):
        with batch_transaction():
            raw.executemany(sql, rows)
        advance(len(rows))
