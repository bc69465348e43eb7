"""The SQL check digits agree with essor.lib.identifiers, La Poste exception included."""

import random

import duckdb
import numpy as np

from essor.lib.identifiers import is_valid_siren, is_valid_siret, luhn_ok
from essor.sirene.pipeline.checks import siren_ok, siret_ok
from essor.sirene.pipeline.pgcopy import split
from essor.sirene.pipeline.rejects import line_number


def sql_flags(values: list[str], col: str, expression: str) -> list[bool]:
    con = duckdb.connect()
    con.register("src", {col: np.array(values, dtype=object)})
    rows = con.execute(
        f"SELECT coalesce({expression}, false) FROM "
        f"(SELECT CAST({col} AS VARCHAR) AS {col}, TRY_CAST({col} AS BIGINT) AS {col}_n FROM src)"
    ).fetchall()
    return [row[0] for row in rows]


def sample(width: int, count: int) -> list[str]:
    rng = random.Random(width)
    values = ["".join(rng.choice("0123456789") for _ in range(width)) for _ in range(count)]
    # Make about a tenth valid by fixing the last digit.
    for i in range(0, count, 10):
        stem = values[i][:-1]
        values[i] = next(stem + d for d in "0123456789" if luhn_ok(stem + d))
    return values + ["", "12345678901234x", "1234", " 3560000000000", "+1234567890123"]


def test_siret_check_matches_the_python_rule_and_la_poste():
    values = sample(14, 3000)
    poste = "35600000000001"  # digit sum 15: a La Poste SIRET, not Luhn-valid
    assert not luhn_ok(poste) and is_valid_siret(poste)
    values += [poste, "35600000000002"]
    assert sql_flags(values, "siret", siret_ok()) == [is_valid_siret(v) for v in values]


def test_siren_check_matches_the_python_rule():
    values = sample(9, 3000)
    assert sql_flags(values, "siren", siren_ok()) == [is_valid_siren(v) for v in values]


def test_line_numbers_skip_the_lines_duckdb_rejected():
    # Header is line 1; lines 4 and 5 were malformed, so staged rows 0, 1, 2 are lines 2, 3, 6.
    assert [line_number(r, [4, 5]) for r in range(4)] == [2, 3, 6, 7]


def test_copy_parts_are_cut_at_line_boundaries(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"".join(f"{i},{'x' * (i % 7)}\n".encode() for i in range(1000)))
    parts = split("t", ["a", "b"], path, 3)
    data = path.read_bytes()
    assert parts[0].start == 0 and parts[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    assert all(data[p.start - 1 : p.start] == b"\n" for p in parts[1:])
