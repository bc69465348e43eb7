"""The rules of `essor.ess.rules` as DuckDB SQL, for the Sirene import pipeline.

Usage (DuckDB connection `con`, staging table `ul` with Sirene column names, `lists` from
`essor.ess.lists.list_flag_rows()`):

    con.execute(cj_family_table_sql())            # table cj_family(cj, family)
    con.execute(f"CREATE TABLE ul_ess AS {qualification_sql('ul', 'lists')}")

The SELECT returns every column of the legal-unit table plus `in_ess_france_list`, `esus`,
`siae_kind`, `family`, `in_statistique` and `in_loi2014`, one row per legal-unit row. A test
checks on generated cases that it agrees with `rules.qualify`.
"""

import re

from essor.ess.enums import EssFamily
from essor.ess.rules import (
    EXCLUDED_NAF,
    SIAE_QUALIFIES,
    STATUTORY_FAMILIES,
    cj_family_rows,
    naf_key,
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def _name(value: str) -> str:
    if not _IDENTIFIER.match(value):
        raise ValueError(f"nom de table SQL invalide : {value!r}")
    return value


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def cj_family_table_sql(table: str = "cj_family") -> str:
    """CREATE OR REPLACE TABLE <table>(cj VARCHAR, family VARCHAR) with the 260 INSEE codes."""
    values = ",\n    ".join(
        f"({_literal(cj)}, {_literal(family)})" for cj, family in cj_family_rows()
    )
    return (
        f"CREATE OR REPLACE TABLE {_name(table)} AS\n"
        f"SELECT * FROM (VALUES\n    {values}\n) AS t(cj, family)"
    )


def _excluded_naf_condition(column: str) -> str:
    return " OR ".join(
        f"starts_with({column}, {_literal(naf_key(prefix))})" for prefix in EXCLUDED_NAF
    )


def qualification_sql(ul_table: str, lists_table: str, cj_table: str = "cj_family") -> str:
    """A DuckDB SELECT computing family / in_statistique / in_loi2014 for every legal unit.

    `ul_table` has at least siren, categorieJuridiqueUniteLegale, activitePrincipaleUniteLegale,
    economieSocialeSolidaireUniteLegale (VARCHAR); `lists_table` has siren, in_ess_france_list,
    esus (BOOLEAN), siae_kind (VARCHAR), ideally one row per siren (duplicates are merged).
    """
    statutory = ", ".join(_literal(str(family)) for family in sorted(STATUTORY_FAMILIES))
    siae = "q.siae_kind <> ''" if SIAE_QUALIFIES else "false"
    return f"""
WITH lists AS (
    SELECT
        siren,
        bool_or(coalesce(in_ess_france_list, false)) AS in_ess_france_list,
        bool_or(coalesce(esus, false)) AS esus,
        coalesce(min(nullif(trim(siae_kind), '')), '') AS siae_kind
    FROM {_name(lists_table)}
    GROUP BY siren
),
q AS (
    SELECT
        ul.*,
        coalesce(l.in_ess_france_list, false) AS in_ess_france_list,
        coalesce(l.esus, false) AS esus,
        coalesce(l.siae_kind, '') AS siae_kind,
        coalesce(f.family, {_literal(str(EssFamily.OUTSIDE))}) AS family,
        upper(replace(trim(coalesce(ul.activitePrincipaleUniteLegale, '')), '.', ''))
            AS _naf_key,
        upper(trim(coalesce(ul.economieSocialeSolidaireUniteLegale, ''))) = 'O' AS _flag_o
    FROM {_name(ul_table)} AS ul
    LEFT JOIN {_name(cj_table)} AS f ON f.cj = trim(ul.categorieJuridiqueUniteLegale)
    LEFT JOIN lists AS l ON l.siren = ul.siren
)
SELECT
    q.* EXCLUDE (_naf_key, _flag_o),
    q.family IN ({statutory})
        AND NOT (q._naf_key <> '' AND ({_excluded_naf_condition("q._naf_key")}))
        AS in_statistique,
    q.family IN ({statutory})
        OR (q.family = {_literal(str(EssFamily.COMMERCIAL))}
            AND (q._flag_o OR q.in_ess_france_list OR q.esus OR {siae}))
        AS in_loi2014
FROM q
"""
