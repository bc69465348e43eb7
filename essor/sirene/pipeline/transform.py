"""The DuckDB SQL of the import: staging tables, ESS qualification, aggregates, detail rows.

Each stock file is parsed once into a staging table holding only what is needed: for every
establishment the aggregate dimensions and the checked fields; for the establishments of ESS
legal units (known before the establishment file is read) the detail columns too.
"""

import duckdb
import numpy as np

from essor.ess.rules import STATUTORY_FAMILIES
from essor.sirene.pipeline import refs
from essor.sirene.pipeline.checks import ETAB_RULES, UL_RULES, number_sql, reason_sql
from essor.sirene.pipeline.read import quote_ident as q
from essor.sirene.pipeline.sources import UL_COLUMNS

ND = "'[ND]'"


def _as_text(columns: list[str]) -> str:
    """Every column as VARCHAR (a no-op for CSV; Parquet files may carry typed columns)."""
    return ", ".join(f"CAST({q(c)} AS VARCHAR) AS {q(c)}" for c in columns)


def _employer(col: str) -> str:
    return f"CASE {col} WHEN 'O' THEN true WHEN 'N' THEN false END"


# Read for every legal unit (qualification, checks); the others only for ESS candidates.
# The legal-unit columns kept (for the candidates and the rejected rows), in this order.
UL_KEPT = UL_COLUMNS
# Kept as read (the others: '[ND]' becomes NULL).
UL_NARROW = (
    "siren",
    "dateCreationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "economieSocialeSolidaireUniteLegale",
)


def _ul_candidate() -> str:
    """A superset of both ESS perimeters (statutory family, Sirene flag O, or on a list), so that
    the strings of the ~25 M other legal units need not be kept."""
    families = ", ".join(f"'{str(f)}'" for f in sorted(STATUTORY_FAMILIES))
    return (
        "(trim(categorieJuridiqueUniteLegale) IN "
        f"(SELECT cj FROM cj_family WHERE family IN ({families})) "
        "OR upper(trim(coalesce(economieSocialeSolidaireUniteLegale, ''))) = 'O' "
        "OR siren IN (SELECT siren FROM ess_lists))"
    )


def stage_legal_units(con: duckdb.DuckDBPyConnection, source_sql: str, columns: list[str]) -> None:
    """The legal units' strings are only kept for the ESS candidates and the rejected rows, as
    one list (UL_KEPT); every row keeps its integer SIREN (orphan count) and reject rule."""
    values = ", ".join(
        (q(c) if c in UL_NARROW else f"nullif({q(c)}, {ND})") if c in columns else "NULL::VARCHAR"
        for c in UL_KEPT
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE ul AS
        SELECT CASE WHEN candidate OR reject_rule IS NOT NULL THEN [{values}] END AS kept,
          reject_rule, coalesce(candidate, false) AS candidate,
          CASE WHEN length(siren) = 9 THEN siren_n END AS siren_key FROM (
          SELECT *, {reason_sql(UL_RULES)} AS reject_rule, {_ul_candidate()} AS candidate
          FROM (SELECT {_as_text(columns)}, {number_sql("siren")}
                FROM {source_sql}))"""
    )
    # The rows qualification reads: valid candidates (the others cannot be in either perimeter).
    con.execute(
        f"CREATE OR REPLACE VIEW ul_valid AS SELECT {_unpacked('ul')} FROM ul "
        "WHERE reject_rule IS NULL AND candidate"
    )


def qualify(con: duckdb.DuckDBPyConnection) -> None:
    """ul_ess(siren, family, in_statistique, in_loi2014, seq): legal units in either ESS
    perimeter; `seq` (1, 2, … in SIREN order) gives their ids at the write (load.py), numbered
    here on these narrow rows rather than on the wide ones of out_ul (a sort of the whole row)."""
    sql = refs.qualification_sql("ul_valid", "ess_lists")
    con.execute(
        "CREATE OR REPLACE TABLE ul_ess AS SELECT *, row_number() OVER (ORDER BY siren) AS seq "
        "FROM (SELECT DISTINCT ON (siren) siren, family, in_statistique, in_loi2014 "
        f"FROM ({sql}) WHERE in_statistique OR in_loi2014)"
    )


DETAIL = (
    "statutDiffusionEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "etablissementSiege",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
)


# Columns of the staging lists `kept` (etab.kept[1] is the SIREN, …): checked, then detail.
KEPT = {
    "ul": UL_KEPT,
    "etab": ("siren", "siret", "dateCreationEtablissement", "dateDebut", *DETAIL),
}


def kept_sql(table: str, column: str) -> str:
    """A column of the staging list `kept` of `ul` or `etab`, as SQL."""
    return f"{table}.kept[{KEPT[table].index(column) + 1}]"


def stage_establishments(
    con: duckdb.DuckDBPyConnection, source_sql: str, columns: list[str]
) -> None:
    """One pass over the file. Strings of the non-ESS rows are not kept (except the short
    aggregate dimensions): most of the 40 M rows only feed the counts."""
    # The strings kept (checked columns, then the detail) as one list, for the ESS and the
    # rejected rows only; NULL for the others. One CASE instead of one per column, and in
    # memory one slot per row instead of one per column. With the same for the legal units, the
    # staging tables of the 10 M bench stock take 1.19 GB instead of 2.02 GB (DuckDB's limit
    # is 3 GB; at 40 M rows they spill).
    values = ", ".join(
        f"nullif({q(c)}, {ND})" if c in DETAIL and c in columns else q(c) if c in columns
        else "NULL::VARCHAR"
        for c in KEPT["etab"]
    )  # fmt: skip
    raw = _as_text(columns)
    con.execute(
        f"""CREATE OR REPLACE TABLE etab AS
        SELECT CASE WHEN is_ess OR reject_rule IS NOT NULL THEN [{values}] END AS kept,
               reject_rule, commune_raw, naf_division, workforce_band, state,
               employer, last_processed, is_ess,
               CASE WHEN reject_rule IS NULL THEN siret_n // 100000 END AS siren_key
        FROM (
          SELECT *, {reason_sql(ETAB_RULES)} AS reject_rule,
            nullif(codeCommuneEtablissement, {ND}) AS commune_raw,
            CASE WHEN nomenclatureActivitePrincipaleEtablissement = 'NAFRev2'
                 THEN left(activitePrincipaleEtablissement, 2) ELSE '' END AS naf_division,
            coalesce(left(nullif(trancheEffectifsEtablissement, {ND}), 2), '') AS workforce_band,
            coalesce(left(etatAdministratifEtablissement, 1), '') AS state,
            {_employer("caractereEmployeurEtablissement")} AS employer,
            TRY_CAST(left(dateDernierTraitementEtablissement, 10) AS DATE) AS last_processed,
            siren IN (SELECT siren FROM ul_ess) AS is_ess
          FROM (SELECT {raw}, {number_sql("siret")} FROM {source_sql}))"""
    )


def build_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """All valid establishments, ESS or not; unknown commune codes kept as they came."""
    con.execute(
        """CREATE OR REPLACE TABLE out_agg AS
        SELECT coalesce(c.commune_code, left(coalesce(e.commune_raw, ''), 5)) AS commune_code,
               c.commune_code IS NOT NULL AS commune_known, e.naf_division, e.workforce_band,
               e.state, e.employer, count(*) AS count
        FROM etab e LEFT JOIN communes c ON c.code = e.commune_raw
        WHERE e.reject_rule IS NULL GROUP BY ALL"""
    )


def unknown_communes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(
        """SELECT coalesce(commune_raw, '(vide)'), count(*) FROM etab e
        WHERE reject_rule IS NULL AND NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = e.commune_raw)
        GROUP BY 1 ORDER BY 2 DESC, 1"""
    ).fetchall()
    return {code: count for code, count in rows}


def build_legal_units(con: duckdb.DuckDBPyConnection) -> None:
    """out_ul: the legal units kept, with their `seq` (qualify), so that the establishments
    know their ids without a second pass."""
    con.execute(
        f"""CREATE OR REPLACE TABLE out_ul AS SELECT
          x.seq, u.siren, coalesce(left(u.statutDiffusionUniteLegale, 1), '') AS diffusion,
          coalesce(left(u.denominationUniteLegale, 300), '') AS name,
          coalesce(left(u.denominationUsuelle1UniteLegale, 300), '') AS usual_name,
          CASE WHEN u.statutDiffusionUniteLegale = 'P' THEN ''
               ELSE coalesce(left(u.sigleUniteLegale, 100), '') END AS sigle,
          coalesce(left(u.categorieJuridiqueUniteLegale, 4), '') AS legal_category,
          coalesce(left(u.activitePrincipaleUniteLegale, 6), '') AS naf,
          coalesce(left(u.nomenclatureActivitePrincipaleUniteLegale, 8), '') AS naf_nomenclature,
          coalesce(left(u.trancheEffectifsUniteLegale, 2), '') AS workforce_band,
          TRY_CAST(u.anneeEffectifsUniteLegale AS SMALLINT) AS workforce_year,
          {_employer("u.caractereEmployeurUniteLegale")} AS employer,
          coalesce(left(u.etatAdministratifUniteLegale, 1), '') AS state,
          TRY_CAST(u.dateCreationUniteLegale AS DATE) AS created_on,
          coalesce(left(u.identifiantAssociationUniteLegale, 10), '') AS rna,
          coalesce(left(u.nicSiegeUniteLegale, 5), '') AS head_office_nic,
          coalesce(left(u.economieSocialeSolidaireUniteLegale, 1), '') AS sirene_ess_flag,
          coalesce(l.in_ess_france_list, false) AS in_ess_france_list,
          coalesce(l.esus, false) AS esus, coalesce(left(l.siae_kind, 4), '') AS siae_kind,
          coalesce(left(x.family, 12), '') AS family,
          coalesce(x.in_statistique, false) AS in_statistique,
          coalesce(x.in_loi2014, false) AS in_loi2014
        FROM (SELECT DISTINCT ON (siren) * FROM ul_valid
              WHERE siren IN (SELECT siren FROM ul_ess)) u JOIN ul_ess x USING (siren)
        LEFT JOIN (SELECT DISTINCT ON (siren) * FROM ess_lists) l USING (siren)"""
    )


def _unpacked(table: str) -> str:
    """The KEPT columns out of a staging list, under their INSEE names."""
    return ", ".join(f"{kept_sql(table, c)} AS {q(c)}" for c in KEPT[table])


def build_establishments(con: duckdb.DuckDBPyConnection) -> None:
    """Detail rows. Partial diffusion (`P`, of the establishment or its legal unit): commune level
    only, so no address, no sigle and no coordinates."""
    con.execute(
        f"""CREATE OR REPLACE TABLE out_etab AS
        WITH e AS (
          SELECT etab.rowid AS k, etab.* EXCLUDE (kept), {_unpacked("etab")} FROM etab
          WHERE reject_rule IS NULL AND is_ess),
        d AS (
          SELECT e.*, u.seq AS ul_seq, u.name AS ul_name, u.sigle AS ul_sigle,
                 (coalesce(e.statutDiffusionEtablissement, '') = 'P' OR u.diffusion = 'P') AS partial
          FROM e JOIN out_ul u USING (siren))
        SELECT d.k, d.ul_seq, d.siret, d.siren,
          coalesce(left(d.statutDiffusionEtablissement, 1), '') AS diffusion,
          d.ul_name AS name,
          left(concat_ws(' ', d.enseigne1Etablissement, d.enseigne2Etablissement,
                         d.enseigne3Etablissement), 300) AS enseigne,
          coalesce(left(d.denominationUsuelleEtablissement, 300), '') AS usual_name,
          CASE WHEN d.partial THEN '' ELSE d.ul_sigle END AS sigle,
          CASE WHEN d.partial THEN '' ELSE left(concat_ws(', ', nullif(concat_ws(' ',
              nullif(concat(d.numeroVoieEtablissement, d.indiceRepetitionEtablissement), ''),
              d.typeVoieEtablissement, d.libelleVoieEtablissement), ''),
              d.complementAdresseEtablissement), 300) END AS address,
          coalesce(left(d.codePostalEtablissement, 5), '') AS postal_code,
          coalesce(left(d.commune_raw, 5), '') AS source_commune_code,
          coalesce(c.commune_code, '') AS commune_code,
          coalesce(c.arrondissement_code, '') AS arrondissement_code,
          coalesce(c.epci_siren, '') AS epci_siren,
          coalesce(c.departement_code, '') AS departement_code,
          coalesce(c.region_code, '') AS region_code,
          coalesce(left(d.activitePrincipaleEtablissement, 6), '') AS naf,
          d.naf_division, d.workforce_band,
          TRY_CAST(d.anneeEffectifsEtablissement AS SMALLINT) AS workforce_year,
          d.employer, d.state,
          TRY_CAST(d.dateCreationEtablissement AS DATE) AS created_on,
          CASE WHEN d.state = 'F' THEN TRY_CAST(d.dateDebut AS DATE) END AS closed_on,
          coalesce(d.etablissementSiege = 'true', false) AS is_head_office,
          CASE WHEN NOT d.partial THEN TRY_CAST(d.coordonneeLambertAbscisseEtablissement AS DOUBLE) END AS x,
          CASE WHEN NOT d.partial THEN TRY_CAST(d.coordonneeLambertOrdonneeEtablissement AS DOUBLE) END AS y
        FROM d LEFT JOIN communes c ON c.code = d.commune_raw"""
    )


def counts(con: duckdb.DuckDBPyConnection) -> dict:
    ul_read, ul_bad = con.execute("SELECT count(*), count(reject_rule) FROM ul").fetchone()
    etab_read, etab_bad, last = con.execute(
        "SELECT count(*), count(reject_rule), max(last_processed) FROM etab"
    ).fetchone()
    return {
        "ul_read": ul_read,
        "ul_rejected": ul_bad,
        "etab_read": etab_read,
        "etab_rejected": etab_bad,
        "data_date": last,
        "ul_kept": con.execute("SELECT count(*) FROM out_ul").fetchone()[0],
        "etab_kept": con.execute("SELECT count(*) FROM out_etab").fetchone()[0],
    }


SIREN_SPACE = 10**9  # SIRENs are 9 digits: one bit each is 125 MB
KEY_BATCH = 1_000_000


def orphan_count(con: duckdb.DuckDBPyConnection) -> int:
    """Valid establishments whose SIREN is not in the legal-unit file (for the run's message).
    siren_key is the SIREN as an integer: a valid establishment's SIREN is 9 digits, and a legal
    unit's key is set only for 9 characters that cast to an integer. The legal units' keys go
    into a bitmap of every possible SIREN, which the establishments' keys are looked up in: at
    40 M establishments × 27.6 M legal units, ≈ 3 s on one core instead of ≈ 11 s for DuckDB's
    anti-join on two (it runs beside the geography, which needs the other core)."""
    present = np.zeros(SIREN_SPACE // 8 + 1, dtype=np.uint8)
    units = f"SELECT siren_key FROM ul WHERE siren_key >= 0 AND siren_key < {SIREN_SPACE}"
    for keys in _key_batches(con, units):
        keys = np.sort(keys)
        byte = keys >> 3
        starts = np.flatnonzero(np.concatenate(([True], byte[1:] != byte[:-1])))
        bits = np.left_shift(np.uint8(1), (keys & 7).astype(np.uint8))
        present[byte[starts]] |= np.bitwise_or.reduceat(bits, starts)
    # Keys off the bitmap (none from a valid SIRET): compared in SQL, among themselves.
    outside = f"(siren_key < 0 OR siren_key >= {SIREN_SPACE})"
    ((orphans,),) = con.execute(
        f"SELECT count(*) FROM etab e WHERE {outside} AND NOT EXISTS "
        f"(SELECT 1 FROM ul WHERE {outside} AND ul.siren_key = e.siren_key)"
    ).fetchall()
    for keys in _key_batches(con, "SELECT siren_key FROM etab WHERE siren_key IS NOT NULL"):
        keys = keys[(keys >= 0) & (keys < SIREN_SPACE)]
        found = (present[keys >> 3] >> (keys & 7).astype(np.uint8)) & 1
        orphans += int(keys.size - np.count_nonzero(found))
    return orphans


def _key_batches(con: duckdb.DuckDBPyConnection, sql: str):
    for batch in con.sql(sql).to_arrow_reader(KEY_BATCH):
        yield batch.column(0).to_numpy().astype(np.int64, copy=False)
