"""PostgreSQL: the twins' indexes (tables.py), built before the swap on parallel connections.

Each index of a live table is re-created on its twin under the name `<name>__next` (renamed at
the swap). The statements run two at a time (one connection per core, each index sort on one
core: PostgreSQL's own parallel build leaves most of the work to the leader), with a larger
`maintenance_work_mem` so that sorts stay in memory. The primary keys are built as unique
indexes in the same pool, then attached as constraints (instant). Inside a transaction (tests)
everything runs on Django's connection, in order.
"""

import re
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection

INDEX_MEMORY = "512MB"
SESSION = (
    f"SET maintenance_work_mem = '{INDEX_MEMORY}'",
    "SET max_parallel_maintenance_workers = 0",
)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def indexes_of(cursor, table: str) -> list[tuple[str, str, bool]]:
    """(name, definition, is primary key) of a table's indexes."""
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass ORDER BY c.relname""",
        [table],
    )
    return cursor.fetchall()


def _on_twin(definition: str, name: str, twin: str, suffix: str) -> str:
    # pg_get_indexdef: "CREATE [UNIQUE] INDEX name ON schema.table USING method (columns)"
    definition = re.sub(r" ON \S+ USING ", f" ON {_q(twin)} USING ", definition, count=1)
    return definition.replace(f"INDEX {name} ", f"INDEX {_q(name + suffix)} ", 1)


def build(pairs: list[tuple[str, str]], suffix: str) -> None:
    """pairs: (live table, twin table)."""
    statements, keys = [], []
    with connection.cursor() as cursor:
        for live, twin in pairs:
            for name, definition, primary in indexes_of(cursor, live):
                statements.append(_on_twin(definition, name, twin, suffix))
                if primary:
                    keys.append((twin, name + suffix))
    _run(statements)
    with connection.cursor() as cursor:
        for twin, index in keys:
            cursor.execute(
                f"ALTER TABLE {_q(twin)} ADD CONSTRAINT {_q(index)} PRIMARY KEY USING INDEX {_q(index)}"
            )
    _run([f"ANALYZE {_q(twin)}" for _live, twin in pairs])


def _run(statements: list[str]) -> None:
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        return
    workers = max(1, min(len(statements), int(settings.DUCKDB_THREADS) or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(_execute_own_connection, sql) for sql in statements]:
            future.result()


def _execute_own_connection(sql: str) -> None:
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            for setting in SESSION:
                cursor.execute(setting)
            cursor.execute(sql)
    finally:
        raw.close()
