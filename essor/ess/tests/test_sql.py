"""The DuckDB SQL of essor.ess.sql agrees with the Python rules of essor.ess.rules."""

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essor.ess.rules import Facts, cj_family_rows, qualify
from essor.ess.sql import cj_family_table_sql, qualification_sql

CJ_CODES = [cj for cj, _ in cj_family_rows()]
ODD_CJ = ["", "1234", "92", None]
CJ_BY_FAMILY: dict[str, list[str]] = {}
for _cj, _family in cj_family_rows():
    CJ_BY_FAMILY.setdefault(_family, []).append(_cj)
NAF_CODES = ["62.01Z", "88.99B", "94.99Z", "84.11Z", "84.30C", "94.11Z", "94.12Z", "94.20Z",
             "94.91Z", "94.92Z", "9420Z", "8411Z", "94.11z", "01.61Z", "85.59A"]  # fmt: skip


def padded(values):
    return st.sampled_from(values).flatmap(
        lambda v: st.sampled_from([v, f" {v}", f"{v} "]) if v else st.just(v)
    )


legal_units = st.fixed_dictionaries(
    {
        "cj": st.sampled_from([*sorted(CJ_BY_FAMILY), "odd"]).flatmap(
            lambda f: padded(CJ_BY_FAMILY[f]) if f != "odd" else st.sampled_from(ODD_CJ)
        ),
        "naf": st.one_of(padded(NAF_CODES), st.just(""), st.none()),
        "flag": st.sampled_from(["O", "N", "", "o", " O", None]),
        "listed": st.booleans(),
        "in_lists": st.booleans(),
        "esus": st.booleans(),
        "siae": st.sampled_from(["", "ACI", "AI", "EI", "ETTI", "EITI"]),
    }
)


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute(cj_family_table_sql())
    yield connection
    connection.close()


def sql_results(con, units):
    con.execute(
        "CREATE OR REPLACE TABLE ul (siren VARCHAR, categorieJuridiqueUniteLegale VARCHAR, "
        "activitePrincipaleUniteLegale VARCHAR, economieSocialeSolidaireUniteLegale VARCHAR)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE lists (siren VARCHAR, in_ess_france_list BOOLEAN, "
        "esus BOOLEAN, siae_kind VARCHAR)"
    )
    sirens = [f"{index:09d}" for index in range(len(units))]
    con.executemany(
        "INSERT INTO ul VALUES (?, ?, ?, ?)",
        [[siren, u["cj"], u["naf"], u["flag"]] for siren, u in zip(sirens, units, strict=True)],
    )
    listed = [
        [siren, u["listed"], u["esus"], u["siae"]]
        for siren, u in zip(sirens, units, strict=True)
        if u["in_lists"]
    ]
    if listed:
        con.executemany("INSERT INTO lists VALUES (?, ?, ?, ?)", listed)
    rows = con.execute(
        f"SELECT siren, family, in_statistique, in_loi2014, in_ess_france_list, esus, siae_kind "
        f"FROM ({qualification_sql('ul', 'lists')}) ORDER BY siren"
    ).fetchall()
    return rows


def python_result(unit):
    listed = unit["in_lists"] and unit["listed"]
    esus = unit["in_lists"] and unit["esus"]
    siae = unit["siae"] if unit["in_lists"] else ""
    facts = Facts(unit["cj"], unit["naf"], unit["flag"], listed, esus, siae)
    result = qualify(facts)
    return (str(result.family), result.in_statistique, result.in_loi2014, listed, esus, siae)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(units=st.lists(legal_units, min_size=5, max_size=40))
def test_sql_and_python_rules_agree(con, units):
    rows = sql_results(con, units)
    assert len(rows) == len(units)
    for row, unit in zip(rows, units, strict=True):
        assert tuple(row[1:]) == python_result(unit), unit


def test_sql_agrees_on_every_legal_category(con):
    units = [
        {"cj": cj, "naf": naf, "flag": flag, "listed": False, "in_lists": False, "esus": False,
         "siae": ""}
        for cj in CJ_CODES
        for naf in ("62.01Z", "94.20Z")
        for flag in ("O", "")
    ]  # fmt: skip
    rows = sql_results(con, units)
    assert [tuple(row[1:]) for row in rows] == [python_result(unit) for unit in units]


def test_sql_agrees_on_the_truth_table_of_the_sources(con):
    """One code per family (and an unknown one) × every combination of the sources."""
    codes = [CJ_BY_FAMILY[family][0] for family in sorted(CJ_BY_FAMILY)] + ["1234"]
    units = [
        {"cj": cj, "naf": naf, "flag": flag, "listed": listed, "in_lists": True, "esus": esus,
         "siae": siae}
        for cj in codes
        for naf in ("62.01Z", "94.20Z")
        for flag in ("O", "N", "")
        for listed in (False, True)
        for esus in (False, True)
        for siae in ("", "EI")
    ]  # fmt: skip
    rows = sql_results(con, units)
    assert [tuple(row[1:]) for row in rows] == [python_result(unit) for unit in units]


def test_sql_merges_duplicate_list_rows_and_keeps_one_row_per_unit(con):
    con.execute("CREATE OR REPLACE TABLE ul AS SELECT '000000001' AS siren, '5710' AS "
                "categorieJuridiqueUniteLegale, '62.01Z' AS activitePrincipaleUniteLegale, "
                "'' AS economieSocialeSolidaireUniteLegale")  # fmt: skip
    con.execute(
        "CREATE OR REPLACE TABLE lists AS SELECT * FROM (VALUES "
        "('000000001', true, false, ''), ('000000001', false, true, 'EI')) "
        "AS t(siren, in_ess_france_list, esus, siae_kind)"
    )
    rows = con.execute(f"SELECT * FROM ({qualification_sql('ul', 'lists')})").fetchall()
    assert len(rows) == 1
    columns = [d[0] for d in con.description]
    assert dict(zip(columns, rows[0], strict=True))["in_loi2014"] is True
    assert columns[:4] == ["siren", "categorieJuridiqueUniteLegale",
                           "activitePrincipaleUniteLegale", "economieSocialeSolidaireUniteLegale"]  # fmt: skip


def test_table_names_are_checked():
    with pytest.raises(ValueError):
        qualification_sql("ul; DROP TABLE x", "lists")
    assert "FROM staging.ul AS ul" in qualification_sql("staging.ul", "lists")
