"""Reference data the import needs, loaded into DuckDB tables.

The functions come from other apps (territories for communes and QPV, ess for the qualification
rules and lists); they are looked up at call time so that tests can replace them.
"""

import csv
from pathlib import Path

import duckdb
import numpy as np


def commune_index() -> dict:
    from essor.territories.lookup import commune_index as real

    return real()


def qpv_geometries() -> list:
    from essor.territories.lookup import qpv_geometries as real

    return real()


def cj_family_rows() -> list:
    from essor.ess.rules import cj_family_rows as real

    return list(real())


def list_flags() -> dict:
    from essor.ess.lists import list_flags as real

    return real()


def qualification_sql(ul_table: str, lists_table: str) -> str:
    from essor.ess.sql import qualification_sql as real

    return real(ul_table, lists_table)


def _register(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list], types: dict):
    """Creates `table` from Python lists (through numpy, no pandas needed)."""
    arrays = {name: np.array(values, dtype=object) for name, values in columns.items()}
    con.register(f"{table}_src", arrays)
    select = ", ".join(f"CAST({name} AS {types[name]}) AS {name}" for name in columns)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM {table}_src")
    con.unregister(f"{table}_src")


def read_passage_table(path: Path) -> dict[str, str]:
    """A COG passage table: first column the old commune code, second the current one."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    return {row[0].strip(): row[1].strip() for row in rows[1:] if len(row) >= 2 and row[0].strip()}


def load_communes(con: duckdb.DuckDBPyConnection, passage: dict[str, str] | None = None) -> int:
    index = dict(commune_index())
    for old, new in (passage or {}).items():
        if old not in index and new in index:
            index[old] = index[new]
    codes = list(index)
    refs = [index[code] for code in codes]
    columns = {
        "code": codes,
        "commune_code": [r.commune_code for r in refs],
        "arrondissement_code": [r.arrondissement_code or "" for r in refs],
        "epci_siren": [r.epci_siren or "" for r in refs],
        "departement_code": [r.departement_code or "" for r in refs],
        "region_code": [r.region_code or "" for r in refs],
    }
    if not codes:
        con.execute(
            "CREATE OR REPLACE TABLE communes (code VARCHAR, commune_code VARCHAR, "
            "arrondissement_code VARCHAR, epci_siren VARCHAR, departement_code VARCHAR, "
            "region_code VARCHAR)"
        )
        return 0
    _register(con, "communes", columns, dict.fromkeys(columns, "VARCHAR"))
    return len(codes)


def load_ess_references(con: duckdb.DuckDBPyConnection) -> None:
    """Tables cj_family(cj, family) and ess_lists(siren, in_ess_france_list, esus, siae_kind)."""
    rows = cj_family_rows()
    con.execute("CREATE OR REPLACE TABLE cj_family (cj VARCHAR, family VARCHAR)")
    if rows:
        _register(
            con,
            "cj_family",
            {"cj": [r[0] for r in rows], "family": [r[1] for r in rows]},
            {"cj": "VARCHAR", "family": "VARCHAR"},
        )
    flags = list_flags()
    con.execute(
        "CREATE OR REPLACE TABLE ess_lists (siren VARCHAR, in_ess_france_list BOOLEAN, "
        "esus BOOLEAN, siae_kind VARCHAR)"
    )
    if flags:
        sirens = list(flags)
        _register(
            con,
            "ess_lists",
            {
                "siren": sirens,
                "in_ess_france_list": [bool(flags[s][0]) for s in sirens],
                "esus": [bool(flags[s][1]) for s in sirens],
                "siae_kind": [flags[s][2] or "" for s in sirens],
            },
            {
                "siren": "VARCHAR",
                "in_ess_france_list": "BOOLEAN",
                "esus": "BOOLEAN",
                "siae_kind": "VARCHAR",
            },
        )
