"""The import writes into empty copies of the Sirene tables, then swaps them in.

Each live table (`sirene_legalunit`, `sirene_establishment`, `sirene_establishmentaggregate`)
gets a twin `<table>__next` with the same columns and no secondary index. The new run's rows are
loaded there (nothing indexes them row by row: at 10 M establishments the index upkeep was about
a third of the write), the indexes are built once at the end, and one transaction drops the live
tables and renames the twins: the previous data stays online, untouched, until that commit, and
is gone with it (no row-by-row delete of the previous run). A failed import drops the twins.

Index names stay those of the migrations. Both databases build the twins' indexes before the
swap under temporary names (`<name>__next`) and rename them during it: PostgreSQL with ALTER
INDEX (pgindex.py); SQLite, which has no RENAME INDEX, by editing the index's name in
`sqlite_schema` with the procedure SQLite documents for schema changes ALTER TABLE cannot make
(lang_altertable.html, "Making Other Kinds Of Table Schema Changes": writable_schema, then
schema_version + 1, in the same transaction; only the name and the CREATE text change, not
the B-tree). So the swap holds SQLite's write lock for milliseconds, not for the index builds.

Primary keys keep counting from the live table's sequence, so an id never designates two rows
of different runs.
"""

from django.db import DatabaseError, connection, transaction

from essor.sirene.models import Establishment, EstablishmentAggregate, LegalUnit
from essor.sirene.pipeline import pgindex

MODELS = (LegalUnit, Establishment, EstablishmentAggregate)
SUFFIX = "__next"
SQLITE_SORT_THREADS = 2


def live_name(model) -> str:
    return model._meta.db_table


def next_name(model) -> str:
    return model._meta.db_table + SUFFIX


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _exists(cursor, table: str) -> bool:
    return table in connection.introspection.table_names(cursor)


def drop_next() -> None:
    """Removes the twins of an import that failed or crashed (no-op when there are none)."""
    with connection.cursor() as cursor:
        for model in MODELS:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(next_name(model))}")


def create_next() -> dict[str, int]:
    """Empty twins of the live tables; returns the first free id of each (by table name)."""
    drop_next()
    first_ids = {}
    with connection.cursor() as cursor:
        for model in MODELS:
            live, twin = live_name(model), next_name(model)
            if connection.vendor == "postgresql":
                first_ids[live] = _create_postgresql(cursor, live, twin)
            else:
                first_ids[live] = _create_sqlite(cursor, live, twin)
    return first_ids


def _create_sqlite(cursor, live: str, twin: str) -> int:
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [live])
    (sql,) = cursor.fetchone()
    head = f'CREATE TABLE "{live}"'
    if not sql.startswith(head):
        raise RuntimeError(f"schéma inattendu pour {live} : {sql[:60]}")
    cursor.execute(f'CREATE TABLE "{twin}"' + sql[len(head) :])
    cursor.execute(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"coalesce((SELECT max(id) FROM {_q(live)}), 0))",
        [live],
    )
    last = int(cursor.fetchone()[0])
    # AUTOINCREMENT: the twin's counter starts where the live table's stands.
    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [twin, last])
    return last + 1


def _create_postgresql(cursor, live: str, twin: str) -> int:
    cursor.execute(
        f"CREATE TABLE {_q(twin)} (LIKE {_q(live)} INCLUDING DEFAULTS INCLUDING IDENTITY "
        "INCLUDING CONSTRAINTS INCLUDING COMMENTS)"
    )
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [live])
    first = int(cursor.fetchone()[0])
    cursor.execute(f"ALTER TABLE {_q(twin)} ALTER COLUMN id RESTART WITH {first}")
    return first


def after_explicit_ids(model, last_id: int) -> None:
    """PostgreSQL: rows written with their own ids leave the identity sequence behind."""
    if connection.vendor == "postgresql" and last_id:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {_q(next_name(model))} ALTER COLUMN id RESTART WITH {last_id + 1}"
            )


def _sqlite_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of a table's explicit indexes."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL ORDER BY name",
        [table],
    )
    return cursor.fetchall()


def _sqlite_on_twin(sql: str, name: str, live: str, twin: str) -> str:
    # Django writes: CREATE INDEX "name" ON "table" ("col", …)
    head = f'CREATE INDEX "{name}" ON "{live}" '
    if not sql.startswith(head):
        raise RuntimeError(f"index inattendu sur {live} : {sql[:80]}")
    return f'CREATE INDEX "{name}{SUFFIX}" ON "{twin}" ' + sql[len(head) :]


def index_twin(twin: str) -> None:
    """SQLite: the live table's indexes on `twin`, under temporary names (renamed at the swap),
    sorted with helper threads. Indexes already there are kept (called once a twin is full,
    then again by build_indexes for all)."""
    if not twin.endswith(SUFFIX):
        return  # a write into a live table (tests): nothing to rename later
    live = twin.removesuffix(SUFFIX)
    with connection.cursor() as cursor:
        existing = {name for name, _sql in _sqlite_indexes(cursor, twin)}
        cursor.execute(f"PRAGMA threads = {SQLITE_SORT_THREADS}")  # SQLite's default is none
        for name, sql in _sqlite_indexes(cursor, live):
            if name + SUFFIX not in existing:
                cursor.execute(_sqlite_on_twin(sql, name, live, twin))


def build_indexes() -> None:
    """The live tables' indexes built on the twins under temporary names, before the swap, while
    the previous data is still served (PostgreSQL: pgindex.py, on parallel connections)."""
    if connection.vendor == "postgresql":
        pgindex.build([(live_name(m), next_name(m)) for m in MODELS], SUFFIX)
    else:
        for model in MODELS:
            index_twin(next_name(model))


def _sqlite_rename_indexes(cursor, indexes: list[tuple[str, str]]) -> None:
    """Inside the swap's transaction: each twin index `<name>__next` takes its migration name and
    statement. Where the schema cannot be edited (a SQLite built in "defensive" mode refuses
    writable_schema), the indexes are built again under their names instead: slower, same
    result."""
    if not indexes:
        return
    try:
        with transaction.atomic():  # a savepoint: a refused edit leaves nothing behind
            _rename_in_schema(cursor, indexes)
    except DatabaseError:
        for name, sql in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {_q(name + SUFFIX)}")
            cursor.execute(sql)


def _rename_in_schema(cursor, indexes: list[tuple[str, str]]) -> None:
    """SQLite's documented sqlite_schema edit: writable_schema, then schema_version + 1 so that
    every connection reloads the schema."""
    cursor.execute("PRAGMA schema_version")
    version = cursor.fetchone()[0]
    cursor.execute("PRAGMA writable_schema = ON")
    try:
        for name, sql in indexes:
            cursor.execute(
                "UPDATE sqlite_master SET name = %s, sql = %s WHERE type = 'index' AND name = %s",
                [name, sql, name + SUFFIX],
            )
            if cursor.rowcount != 1:
                raise RuntimeError(f"index {name}{SUFFIX} introuvable")
        cursor.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        cursor.execute("PRAGMA writable_schema = OFF")


def swap() -> None:
    """Inside the caller's transaction: the twins replace the live tables, their indexes take
    the migration names (built by build_indexes)."""
    with connection.cursor() as cursor:
        for model in MODELS:
            live, twin = live_name(model), next_name(model)
            if connection.vendor == "postgresql":
                names = [name for name, _d, _p in pgindex.indexes_of(cursor, live)]
                cursor.execute(f"DROP TABLE {_q(live)}")
                cursor.execute(f"ALTER TABLE {_q(twin)} RENAME TO {_q(live)}")
                for name in names:
                    cursor.execute(f"ALTER INDEX {_q(name + SUFFIX)} RENAME TO {_q(name)}")
            else:
                indexes = _sqlite_indexes(cursor, live)
                cursor.execute(f"DROP TABLE {_q(live)}")
                cursor.execute(f"ALTER TABLE {_q(twin)} RENAME TO {_q(live)}")
                _sqlite_rename_indexes(cursor, indexes)
