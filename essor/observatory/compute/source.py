"""Reads what the indicators need into DuckDB: table `src` (the run's ESS establishments, needed
columns only, dates as years) and `economy_src` (all active establishments per commune).

Two ways in, the same rows:
- during `essor sirene import`, from the import's own DuckDB staging tables, saved as two Parquet
  files just before the import closes its DuckDB (`snapshot_from_staging`, about a second at
  10 M establishments): nothing is read back from the database it has just written;
- for `essor indicators compute` alone (after the thematic fields were edited, or an import run
  with --no-indicators), from the application database. PostgreSQL: `COPY (SELECT …) TO STDOUT`
  into a CSV file that DuckDB reads; SQLite: the cursor's rows in batches, turned into Arrow
  columns (Python binds every value: about 1 minute per million establishments).
"""

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from django.db import connection
from django.db.models import Sum

from essor.nomenclatures.workforce import BANDS
from essor.observatory.assemble import TOP_BANDS
from essor.sirene.models import Establishment, EstablishmentAggregate, LegalUnit
from essor.territories.enums import CommuneKind
from essor.territories.models import Commune

BATCH = 100_000

# (name, DuckDB type)
COLUMNS = [
    ("commune_code", "VARCHAR"),
    ("arrondissement_code", "VARCHAR"),
    ("qpv_code", "VARCHAR"),
    ("siren", "VARCHAR"),
    ("naf", "VARCHAR"),
    ("naf_division", "VARCHAR"),
    ("workforce_band", "VARCHAR"),
    ("workforce_year", "INTEGER"),
    ("employer", "INTEGER"),
    ("state", "VARCHAR"),
    ("created_year", "INTEGER"),
    ("closed_year", "INTEGER"),
    ("lat", "DOUBLE"),
    ("lon", "DOUBLE"),
    ("top_siret", "VARCHAR"),
    ("top_name", "VARCHAR"),
    ("family", "VARCHAR"),
    ("legal_category", "VARCHAR"),
    ("siae", "INTEGER"),
    ("in_statistique", "INTEGER"),
    ("in_loi2014", "INTEGER"),
]
ARROW = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.int8(),
}


def _year(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%%Y', {column}) AS INTEGER)"  # %% : a Django query with parameters


def _flag(condition: str) -> str:
    """A boolean as 1 / 0 / NULL, the same on both databases and through every driver."""
    return f"CASE WHEN {condition} THEN 1 WHEN NOT ({condition}) THEN 0 END"


def establishment_sql() -> str:
    e, u = Establishment._meta.db_table, LegalUnit._meta.db_table
    bands = ", ".join(f"'{b}'" for b in TOP_BANDS)
    top = f"e.state = 'A' AND e.workforce_band IN ({bands})"
    return f"""
        SELECT e.commune_code, e.arrondissement_code, e.qpv_code, e.siren, e.naf, e.naf_division,
               e.workforce_band, e.workforce_year, {_flag("e.employer")} AS employer, e.state,
               {_year("e.created_on")} AS created_year, {_year("e.closed_on")} AS closed_year,
               e.lat, e.lon,
               CASE WHEN {top} THEN e.siret END AS top_siret,
               CASE WHEN {top} THEN COALESCE(NULLIF(e.enseigne, ''), NULLIF(e.name, ''), e.siret)
               END AS top_name,
               u.family, u.legal_category, {_flag("u.siae_kind <> ''")} AS siae,
               {_flag("u.in_statistique")} AS in_statistique,
               {_flag("u.in_loi2014")} AS in_loi2014
        FROM {e} e JOIN {u} u ON u.id = e.legal_unit_id
        WHERE e.run_id = %s AND (u.in_statistique OR u.in_loi2014)
    """


def staging_sql() -> str:
    """`establishment_sql` over the Sirene import's DuckDB tables out_etab_geo and out_ul
    (essor.sirene.pipeline.transform, geo): the rows the import writes, before they are written."""
    bands = ", ".join(f"'{b}'" for b in TOP_BANDS)
    top = f"e.state = 'A' AND e.workforce_band IN ({bands})"
    return f"""
        SELECT e.commune_code, e.arrondissement_code, e.qpv_code, e.siren, e.naf, e.naf_division,
               e.workforce_band, CAST(e.workforce_year AS INTEGER),
               CASE WHEN e.employer THEN 1 WHEN NOT e.employer THEN 0 END, e.state,
               CAST(year(e.created_on) AS INTEGER), CAST(year(e.closed_on) AS INTEGER),
               e.lat, e.lon,
               CASE WHEN {top} THEN e.siret END,
               CASE WHEN {top} THEN coalesce(nullif(e.enseigne, ''), nullif(e.name, ''), e.siret)
               END,
               u.family, u.legal_category, CASE WHEN u.siae_kind <> '' THEN 1 ELSE 0 END,
               CASE WHEN u.in_statistique THEN 1 ELSE 0 END,
               CASE WHEN u.in_loi2014 THEN 1 ELSE 0 END
        FROM out_etab_geo e JOIN out_ul u USING (siren)
        WHERE u.in_statistique OR u.in_loi2014
    """


SNAPSHOT_FILES = ("indicators-src.parquet", "indicators-economy.parquet")


def snapshot_from_staging(con: duckdb.DuckDBPyConnection, target: Path) -> Path:
    """Writes the import's `src` and `economy_src` rows as Parquet files into the directory
    `target` (created); returns it. Called by the Sirene import on its own DuckDB connection."""
    target.mkdir(parents=True, exist_ok=True)
    src, economy = (str(target / name).replace("'", "''") for name in SNAPSHOT_FILES)
    names = ", ".join(n for n, _ in COLUMNS)
    con.execute(f"COPY (SELECT * FROM ({staging_sql()}) AS s({names})) TO '{src}' (FORMAT parquet)")
    con.execute(
        f"""COPY (SELECT commune_code, workforce_band,
                         CAST(CASE WHEN employer THEN 1 WHEN NOT employer THEN 0 END AS INTEGER)
                           AS employer, CAST(sum("count") AS BIGINT) AS n
                  FROM out_agg WHERE state = 'A' AND commune_known GROUP BY ALL)
            TO '{economy}' (FORMAT parquet)"""
    )
    return target


def load_snapshot(con: duckdb.DuckDBPyConnection, snapshot: Path) -> int:
    """`src` and `economy_src` from the files of `snapshot_from_staging`."""
    src, economy = (str(snapshot / name).replace("'", "''") for name in SNAPSHOT_FILES)
    _create(con, "src", COLUMNS)
    con.execute(f"INSERT INTO src SELECT * FROM read_parquet('{src}')")
    _create(con, "economy_src", ECONOMY_COLUMNS)
    con.execute(f"INSERT INTO economy_src SELECT * FROM read_parquet('{economy}')")
    return con.execute("SELECT count(*) FROM src").fetchall()[0][0]


def _create(con: duckdb.DuckDBPyConnection, table: str, columns) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")


def load_establishments(con: duckdb.DuckDBPyConnection, run_id: int, work_dir: Path) -> int:
    _create(con, "src", COLUMNS)
    sql = establishment_sql()
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        path = work_dir / "indicators-source.csv"
        try:
            with connection.cursor() as cursor, path.open("wb") as handle:
                inner = cursor.cursor.mogrify(sql, [run_id])
                with cursor.cursor.copy(f"COPY ({inner}) TO STDOUT (FORMAT csv)") as copy:
                    for block in copy:
                        handle.write(block)
            types = ", ".join(f"'{n}': '{t}'" for n, t in COLUMNS)
            target = str(path).replace("'", "''")
            con.execute(
                f"INSERT INTO src SELECT * FROM read_csv('{target}', header = false, "
                f"columns = {{{types}}}, allow_quoted_nulls = false, auto_detect = false)"
            )
        finally:
            path.unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [run_id])
            while rows := cursor.fetchmany(BATCH):
                arrays = [
                    pa.array(values, type=ARROW[kind])
                    for values, (_name, kind) in zip(zip(*rows, strict=True), COLUMNS, strict=True)
                ]
                chunk = pa.Table.from_arrays(arrays, names=[n for n, _ in COLUMNS])
                con.register("chunk", chunk)
                con.execute("INSERT INTO src SELECT * FROM chunk")
                con.unregister("chunk")
    return con.execute("SELECT count(*) FROM src").fetchall()[0][0]


ECONOMY_COLUMNS = [
    ("commune_code", "VARCHAR"),
    ("workforce_band", "VARCHAR"),
    ("employer", "INTEGER"),
    ("n", "BIGINT"),
]


def load_references(con: duckdb.DuckDBPyConnection, run_id: int, *, economy: bool = True) -> None:
    """Tranche midpoints, current communes (for the roll-ups) and, unless `economy` is False
    (read from a snapshot), the all-establishment aggregates of active establishments per
    commune (the denominators of the ESS shares)."""
    con.register(
        "bands_src",
        {
            "code": np.array([b.code for b in BANDS], dtype=object),
            "midpoint": np.array([b.midpoint for b in BANDS], dtype=float),
        },
    )
    con.execute("CREATE OR REPLACE TABLE bands AS SELECT * FROM bands_src")
    con.unregister("bands_src")
    rows = list(
        Commune.objects.filter(kind=CommuneKind.COMMUNE).values_list(
            "code", "epci_id", "departement_id", "departement__region_id"
        )
    )
    _table(con, "communes", ["code", "epci", "departement", "region"], rows)
    if not economy:
        return
    aggregates = (
        EstablishmentAggregate.objects.filter(run_id=run_id, state="A", commune_known=True)
        .values_list("commune_code", "workforce_band", "employer")
        .annotate(n=Sum("count"))
        .order_by()
    )
    _create(con, "economy_src", ECONOMY_COLUMNS)
    data = list(aggregates)
    if data:
        commune, band, employer, n = zip(*data, strict=True)
        con.register(
            "economy_chunk",
            pa.table(
                {
                    "commune_code": pa.array(commune, pa.string()),
                    "workforce_band": pa.array(band, pa.string()),
                    "employer": pa.array(
                        [None if v is None else int(v) for v in employer], pa.int8()
                    ),
                    "n": pa.array(n, pa.int64()),
                }
            ),
        )
        con.execute("INSERT INTO economy_src SELECT * FROM economy_chunk")
        con.unregister("economy_chunk")


def _table(con, name: str, columns: list[str], rows: list[tuple]) -> None:
    _create(con, name, [(c, "VARCHAR") for c in columns])
    if not rows:
        return
    data = list(zip(*rows, strict=True))
    con.register(
        f"{name}_src",
        pa.table(
            {
                c: pa.array([v or "" for v in values], pa.string())
                for c, values in zip(columns, data, strict=True)
            }
        ),
    )
    con.execute(f"INSERT INTO {name} SELECT * FROM {name}_src")
    con.unregister(f"{name}_src")
