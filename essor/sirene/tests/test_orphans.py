"""The orphan count (valid establishments whose SIREN is not in the legal-unit file) agrees
with a plain SQL anti-join, whatever the keys."""

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from essor.sirene.pipeline import transform

KEYS = st.one_of(
    st.none(),
    st.integers(0, 999_999_999),
    st.sampled_from([0, 1, 7, 8, 999_999_999, 356_000_000]),
    st.integers(-(10**10), 10**12),  # what a malformed identifier can cast to
)


def _staging(units: list, establishments: list) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE ul (siren_key BIGINT)")
    con.execute("CREATE TABLE etab (siren_key BIGINT)")
    for table, keys in (("ul", units), ("etab", establishments)):
        if keys:
            con.executemany(f"INSERT INTO {table} VALUES (?)", [(k,) for k in keys])
    return con


def _anti_join(con) -> int:
    return con.execute(
        "SELECT count(*) FROM etab e WHERE e.siren_key IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM ul WHERE ul.siren_key = e.siren_key)"
    ).fetchone()[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(KEYS, max_size=40), st.lists(KEYS, max_size=40))
def test_bitmap_count_equals_the_anti_join(units, establishments):
    shared = [k for k in units if k is not None][:5]
    con = _staging(units, establishments + shared)
    assert transform.orphan_count(con) == _anti_join(con)


def test_keys_in_the_same_byte_and_across_batches(monkeypatch):
    """Several legal units share a byte of the bitmap; batches smaller than the tables."""
    monkeypatch.setattr(transform, "KEY_BATCH", 3)
    units = [8, 9, 15, 16, 999_999_999, 9, 123_456_789]
    establishments = [8, 10, 15, 17, 999_999_999, 999_999_998, 123_456_789, 123_456_788, None]
    con = _staging(units, establishments)
    assert transform.orphan_count(con) == _anti_join(con) == 4
