"""The indicator cells, computed in DuckDB from the table `src` (essor.observatory.compute.source).

1. `e`: one row per ESS establishment with its measures (employer 0/1, estimated employees,
   without tranche 0/1); `ep`: the same rows once per perimeter they belong to.
2. `loc`: each row of `ep` at each place it is counted directly: its commune, its
   arrondissement municipal (kind "commune", the arrondissement's code), its QPV, France.
3. Cells of every dimension at those places (active establishments; every state for the
   dynamics), then EPCI, département and région cells as sums of the commune cells through the
   current commune table — every dimension is additive over communes (an establishment is in
   one commune; the thematic fields are not additive over fields, but they are over communes).
4. The ten largest employers per place: per commune, arrondissement, QPV and France from the
   rows; per EPCI, département and région from the communes' own top ten (the top ten of a union
   is within the union of the top tens).
"""

import duckdb

from essor.observatory.assemble import SURVIVAL_YEARS, TOP_SIZE

MEASURES = "count(*) AS n, sum(emp) AS emp, sum(est) AS est, sum(wb) AS wb"
ROLLUPS = [("epci", "epci"), ("departement", "departement"), ("region", "region")]
# What the active cells and the largest employers read of each establishment (not e.*: `la`
# holds each establishment once per perimeter and place, about 6 times).
LA_COLUMNS = ", ".join(
    f"e.{c}"
    for c in (
        "rid commune_code arrondissement_code qpv_code naf_division band workforce_year family "
        "legal_category emp est wb top_siret top_name"
    ).split()
)


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE OR REPLACE TABLE e AS
        SELECT s.rowid AS rid,
               coalesce(s.commune_code, '') AS commune_code,
               coalesce(s.arrondissement_code, '') AS arrondissement_code,
               coalesce(s.qpv_code, '') AS qpv_code, s.siren, coalesce(s.naf, '') AS naf,
               coalesce(s.naf_division, '') AS naf_division,
               coalesce(s.workforce_band, '') AS band, s.workforce_year, s.state,
               s.created_year, s.closed_year, s.lat, s.lon, s.top_siret, s.top_name,
               s.family, coalesce(s.legal_category, '') AS legal_category, s.siae = 1 AS siae,
               s.in_statistique = 1 AS in_statistique, s.in_loi2014 = 1 AS in_loi2014,
               CASE WHEN s.employer = 1 OR coalesce(s.workforce_band, '') NOT IN ('', 'NN')
                    THEN 1 ELSE 0 END AS emp,
               coalesce(b.midpoint, 0.0) AS est,
               CASE WHEN coalesce(s.workforce_band, '') = '' THEN 1 ELSE 0 END AS wb
        FROM src s LEFT JOIN bands b ON b.code = s.workforce_band"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE ep AS
        SELECT 'statistique' AS perimeter, rid FROM e WHERE in_statistique
        UNION ALL SELECT 'loi2014', rid FROM e WHERE in_loi2014"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE loc AS
        SELECT ep.perimeter, 'commune' AS kind, e.commune_code AS code, e.rid
          FROM ep JOIN e USING (rid) WHERE e.commune_code <> ''
        UNION ALL SELECT ep.perimeter, 'commune', e.arrondissement_code, e.rid
          FROM ep JOIN e USING (rid) WHERE e.arrondissement_code <> ''
        UNION ALL SELECT ep.perimeter, 'qpv', e.qpv_code, e.rid
          FROM ep JOIN e USING (rid) WHERE e.qpv_code <> ''
        UNION ALL SELECT ep.perimeter, 'france', 'FR', e.rid FROM ep JOIN e USING (rid)"""
    )


def near_points(con: duckdb.DuckDBPyConnection):
    """rid, lon, lat, commune of the active establishments outside any QPV with coordinates."""
    return con.execute(
        """SELECT rid, lon, lat, commune_code FROM e
        WHERE state = 'A' AND qpv_code = '' AND lat IS NOT NULL AND lon IS NOT NULL"""
    ).fetchnumpy()


def theme_members(con: duckdb.DuckDBPyConnection) -> None:
    """`tm(rid, theme)`: active establishments in each thematic field (tables theme_naf(theme,
    naf) and theme_tag(theme, siren) are registered by the caller)."""
    con.execute(
        """CREATE OR REPLACE TABLE tm AS
        SELECT e.rid, t.theme FROM e JOIN theme_naf t
          ON t.division = e.naf_division AND starts_with(e.naf, t.naf)
          WHERE e.state = 'A' AND e.naf_division <> ''
        UNION SELECT e.rid, g.theme FROM e JOIN theme_tag g ON g.siren = e.siren
          WHERE e.state = 'A'
        UNION SELECT rid, 'insertion' FROM e WHERE state = 'A' AND siae"""
    )


def build(con: duckdb.DuckDBPyConnection) -> int:
    """Creates `cells(perimeter, kind, code, dimension, k, n, emp, est, wb)` and `tops`;
    returns the number of cells."""
    con.execute(
        f"""CREATE OR REPLACE TABLE la AS
        SELECT l.perimeter, l.kind, l.code, {LA_COLUMNS} FROM loc l JOIN e USING (rid)
        WHERE e.state = 'A'"""
    )
    active = {
        "total": "''",
        "family": "family",
        "cj": "legal_category || '|' || family",
        "division": "naf_division",
        "band": "band",
        "year": "coalesce(CAST(workforce_year AS VARCHAR), '')",
    }
    parts = [
        f"SELECT perimeter, kind, code, '{dim}' AS dimension, {key} AS k, {MEASURES} "
        f"FROM la GROUP BY ALL"
        for dim, key in active.items()
    ]
    parts.append(
        f"SELECT la.perimeter, la.kind, la.code, 'theme', tm.theme, {MEASURES} "
        "FROM la JOIN tm USING (rid) GROUP BY ALL"
    )
    # QPV: inside / near at every place but the QPV themselves; per QPV from the pairs.
    parts.append(
        f"SELECT perimeter, kind, code, 'qpv', 'inside', {MEASURES} FROM la "
        "WHERE kind <> 'qpv' AND qpv_code <> '' GROUP BY ALL"
    )
    parts.append(
        f"SELECT perimeter, kind, code, 'qpv', 'near', {MEASURES} FROM la "
        "WHERE kind <> 'qpv' AND rid IN (SELECT rid FROM near_pairs) GROUP BY ALL"
    )
    parts.append(
        f"SELECT perimeter, kind, code, 'qpv', 'inside', {MEASURES} FROM la "
        "WHERE kind = 'qpv' GROUP BY ALL"
    )
    parts.append(
        "SELECT ep.perimeter, 'qpv', p.qpv, 'qpv', 'near', count(*), sum(e.emp), sum(e.est), "
        "sum(e.wb) FROM near_pairs p JOIN ep USING (rid) JOIN e USING (rid) GROUP BY ALL"
    )
    con.execute("CREATE OR REPLACE TABLE direct_cells AS " + " UNION ALL ".join(parts))
    _dynamics(con)
    _economy(con)
    # The commune cells with their EPCI, département and région, joined once for the 3 levels.
    con.execute(
        """CREATE OR REPLACE TABLE commune_cells AS
        SELECT c.*, m.epci, m.departement, m.region
        FROM direct_cells c JOIN communes m ON c.kind = 'commune' AND m.code = c.code"""
    )
    rollups = [
        f"""SELECT perimeter, '{kind}', {column}, dimension, k, sum(n), sum(emp), sum(est),
               sum(wb)
        FROM commune_cells WHERE {column} <> '' GROUP BY ALL"""
        for kind, column in ROLLUPS
    ]
    con.execute(
        "CREATE OR REPLACE TABLE cells AS SELECT * FROM direct_cells UNION ALL "
        + " UNION ALL ".join(rollups)
    )
    _tops(con)
    return con.execute("SELECT count(*) FROM cells").fetchall()[0][0]


def _dynamics(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE OR REPLACE TABLE dyn AS
        SELECT l.perimeter, l.kind, l.code, e.created_year, e.closed_year, e.state,
               count(*) AS n
        FROM loc l JOIN e USING (rid) GROUP BY ALL"""
    )
    survived = {
        k: f"sum(CASE WHEN state = 'A' OR (closed_year IS NOT NULL AND closed_year > "
        f"created_year + {k}) THEN n ELSE 0 END)"
        for k in SURVIVAL_YEARS
    }
    con.execute(
        f"""INSERT INTO direct_cells
        SELECT perimeter, kind, code, 'dynamics', CAST(year AS VARCHAR), sum(created),
               sum(closed), 0.0, 0
        FROM (SELECT perimeter, kind, code, created_year AS year, n AS created, 0 AS closed
                FROM dyn WHERE created_year IS NOT NULL
              UNION ALL
              SELECT perimeter, kind, code, closed_year, 0, n
                FROM dyn WHERE state = 'F' AND closed_year IS NOT NULL)
        GROUP BY ALL
        UNION ALL
        SELECT perimeter, kind, code, 'survival', CAST(created_year AS VARCHAR), {survived[1]},
               {survived[3]}, 0.0, {survived[5]}
        FROM dyn WHERE created_year IS NOT NULL GROUP BY ALL"""
    )


def _economy(con: duckdb.DuckDBPyConnection) -> None:
    """All active establishments per commune (and France), for both perimeters."""
    con.execute(
        """CREATE OR REPLACE TABLE economy AS
        SELECT a.commune_code, sum(a.n) AS n,
               sum(CASE WHEN a.employer = 1 OR coalesce(a.workforce_band, '') NOT IN ('', 'NN')
                        THEN a.n ELSE 0 END) AS emp,
               sum(a.n * coalesce(b.midpoint, 0.0)) AS est,
               sum(CASE WHEN coalesce(a.workforce_band, '') = '' THEN a.n ELSE 0 END) AS wb
        FROM economy_src a LEFT JOIN bands b ON b.code = a.workforce_band GROUP BY ALL"""
    )
    for perimeter in ("statistique", "loi2014"):
        con.execute(
            f"""INSERT INTO direct_cells
            SELECT '{perimeter}', 'commune', commune_code, 'economy', 'all', n, emp, est, wb
            FROM economy
            UNION ALL SELECT '{perimeter}', 'france', 'FR', 'economy', 'all', sum(n), sum(emp),
                   sum(est), sum(wb) FROM economy HAVING count(*) > 0"""
        )


def _tops(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE OR REPLACE TABLE direct_tops AS
        SELECT * FROM (
          SELECT perimeter, kind, code, top_siret AS siret, top_name AS name,
                 CASE WHEN arrondissement_code <> '' THEN arrondissement_code
                      ELSE commune_code END AS commune, band,
                 row_number() OVER (PARTITION BY perimeter, kind, code
                                    ORDER BY band DESC, top_name, top_siret) AS rank
          FROM la WHERE top_name IS NOT NULL) WHERE rank <= {TOP_SIZE}"""
    )
    rollups = [
        f"""SELECT * FROM (
          SELECT t.perimeter, '{kind}' AS kind, m.{column} AS code, t.siret, t.name, t.commune,
                 t.band, row_number() OVER (PARTITION BY t.perimeter, m.{column}
                                    ORDER BY t.band DESC, t.name, t.siret) AS rank
          FROM direct_tops t JOIN communes m ON t.kind = 'commune' AND m.code = t.code
          WHERE m.{column} <> '') WHERE rank <= {TOP_SIZE}"""
        for kind, column in ROLLUPS
    ]
    con.execute(
        "CREATE OR REPLACE TABLE tops AS SELECT * FROM direct_tops UNION ALL "
        + " UNION ALL ".join(rollups)
    )


BLOCK_VALUES = [
    "establishments",
    "employer_establishments",
    "estimated_employees",
    "without_band",
    "economy_establishments",
    "economy_employer_establishments",
    "economy_estimated_employees",
    "economy_without_band",
    "qpv_inside",
    "qpv_near",
    "cells",
    "top",
]


def _measures(prefix: str, dimension: str, key: str) -> str:
    """The measures of the cell (dimension, key) as block columns (a LEFT JOIN: NULL without)."""
    names = zip(("n", "emp", "est", "wb"), BLOCK_VALUES[:4], strict=True)
    columns = ", ".join(f"{m} AS {prefix}{name}" for m, name in names)
    return f"(SELECT perimeter, kind, code, {columns} FROM cells WHERE dimension = '{dimension}' AND k = '{key}')"


def pack(con: duckdb.DuckDBPyConnection) -> None:
    """`blocks`: one row per (perimeter, kind, code) with every cell as a JSON array of
    [dimension, key, n, emp, est, wb], the largest employers as [siret, name, commune, band]
    in rank order, and the total, economy and QPV measures as columns (IndicatorBlock).
    The columns come from joins on the few cells they copy (not FILTERed sums over all)."""
    total = ", ".join(f"coalesce(t.{name}, 0) AS {name}" for name in BLOCK_VALUES[:4])
    economy = ", ".join(f"x.economy_{name}" for name in BLOCK_VALUES[:4])
    con.execute(
        f"""CREATE OR REPLACE TABLE blocks AS
        WITH c AS (
          SELECT perimeter, kind, code,
                 '[' || string_agg(CAST(json_array(dimension, k, n, emp, est, wb) AS VARCHAR),
                                   ',') || ']' AS cells
          FROM cells GROUP BY perimeter, kind, code),
        top AS (
          SELECT perimeter, kind, code,
                 '[' || string_agg(CAST(json_array(siret, name, commune, band) AS VARCHAR), ','
                                   ORDER BY rank) || ']' AS top
          FROM tops GROUP BY perimeter, kind, code)
        SELECT c.perimeter, c.kind, c.code, {total}, {economy},
               coalesce(qi.n, 0) AS qpv_inside, coalesce(qn.n, 0) AS qpv_near, c.cells,
               coalesce(top.top, '[]') AS top
        FROM c
        LEFT JOIN {_measures("", "total", "")} t USING (perimeter, kind, code)
        LEFT JOIN {_measures("economy_", "economy", "all")} x USING (perimeter, kind, code)
        LEFT JOIN (SELECT perimeter, kind, code, n FROM cells
                   WHERE dimension = 'qpv' AND k = 'inside') qi USING (perimeter, kind, code)
        LEFT JOIN (SELECT perimeter, kind, code, n FROM cells
                   WHERE dimension = 'qpv' AND k = 'near') qn USING (perimeter, kind, code)
        LEFT JOIN top USING (perimeter, kind, code)"""
    )
