"""Small tools of the Sirene tests: rewrite real sample files, and an independent count.

The independent count uses the csv module, essor.lib.identifiers and the pure-Python rules of
essor.ess.rules: nothing of the pipeline's SQL.
"""

import csv
import datetime
import gzip
from collections import Counter
from pathlib import Path

from essor.ess.rules import Facts, qualify
from essor.lib.identifiers import is_valid_siren, is_valid_siret

SENTINEL = "SENTINELLE-PRIVEE"


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def read_columns(path: Path, names: list[str]):
    """Yields tuples of the named columns (faster than DictReader on a million rows)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        positions = [header.index(name) for name in names]
        for row in reader:
            yield tuple(row[i] for i in positions)


def write_rows(path: Path, header: list[str], rows: list[dict], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _date_ok(value: str) -> bool:
    if not value or value == "[ND]":
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def expected_legal_units(ul_path: Path) -> dict:
    _, uls = read_rows(ul_path)
    ul_rejected: Counter = Counter()
    ess, known_sirens = set(), set()
    for row in uls:
        if not is_valid_siren(row["siren"]):
            ul_rejected["siren_invalide"] += 1
            continue
        if not _date_ok(row["dateCreationUniteLegale"]):
            ul_rejected["date_invalide"] += 1
            continue
        known_sirens.add(row["siren"])
        result = qualify(
            Facts(
                legal_category=row["categorieJuridiqueUniteLegale"],
                naf=row["activitePrincipaleUniteLegale"],
                sirene_ess_flag=row["economieSocialeSolidaireUniteLegale"],
            )
        )
        if result.in_statistique or result.in_loi2014:
            ess.add(row["siren"])
    return {
        "ul_read": len(uls),
        "ul_rejected": dict(ul_rejected),
        "ul_kept": len(ess),
        "ess": ess,
        "known": known_sirens,
    }


def expected(ul_path: Path, etab_path: Path, index: dict) -> dict:
    uls = expected_legal_units(ul_path)
    ess, known_sirens = uls["ess"], uls["known"]
    rejected: Counter = Counter()
    per_commune: Counter = Counter()
    per_state: Counter = Counter()
    unknown: Counter = Counter()
    kept = orphans = read = 0
    names = [
        "siret",
        "siren",
        "dateCreationEtablissement",
        "dateDebut",
        "codeCommuneEtablissement",
        "etatAdministratifEtablissement",
    ]
    for siret, siren, created, start, code, state in read_columns(etab_path, names):
        read += 1
        if not is_valid_siret(siret):
            rejected["siret_invalide"] += 1
        elif siren != siret[:9]:
            rejected["siren_incoherent"] += 1
        elif not (_date_ok(created) and _date_ok(start)):
            rejected["date_invalide"] += 1
        else:
            ref = index.get(code)
            per_commune[ref.commune_code if ref else code] += 1
            if ref is None:
                unknown[code or "(vide)"] += 1
            per_state[state] += 1
            kept += siren in ess
            orphans += siren not in known_sirens
    return {
        **uls,
        "etab_read": read,
        "rejected": dict(rejected),
        "kept": kept,
        "per_commune": dict(per_commune),
        "per_state": dict(per_state),
        "unknown": dict(unknown),
        "orphans": orphans,
    }


def expected_with_plain_duckdb(
    ul_ess: set[str], ul_sirens: set[str], etab_path: Path, index
) -> dict:
    """The same counts for a big file, in one plain DuckDB query (list lambdas for the check
    digit, not the pipeline's arithmetic)."""
    import duckdb
    import numpy as np

    con = duckdb.connect()
    codes = list(index)
    con.register(
        "idx",
        {
            "code": np.array(codes, dtype=object),
            "commune": np.array([index[c].commune_code for c in codes], dtype=object),
        },
    )
    con.register("ess", {"siren": np.array(sorted(ul_ess) or [""], dtype=object)})
    con.register("known", {"siren": np.array(sorted(ul_sirens) or [""], dtype=object)})
    digit = "(ascii(siret[p]) - 48)"
    luhn = (
        f"list_sum(list_transform(range(1, 15), lambda p: CASE WHEN p % 2 = 1 "
        f"THEN {digit} * 2 - CASE WHEN {digit} > 4 THEN 9 ELSE 0 END ELSE {digit} END)) % 10 = 0"
    )
    poste = f"list_sum(list_transform(range(1, 15), lambda p: {digit})) % 5 = 0"
    bad_date = "({0} IS NOT NULL AND {0} <> '[ND]' AND TRY_STRPTIME({0}, '%Y-%m-%d') IS NULL)"
    con.execute(
        f"""CREATE TABLE f AS SELECT *, CASE
          WHEN NOT regexp_full_match(coalesce(siret, ''), '\\d{{14}}') THEN 'siret_invalide'
          WHEN NOT (CASE WHEN siret LIKE '356000000%' THEN {poste} ELSE {luhn} END)
            THEN 'siret_invalide'
          WHEN siren IS DISTINCT FROM siret[1:9] THEN 'siren_incoherent'
          WHEN {bad_date.format("dateCreationEtablissement")} OR {bad_date.format("dateDebut")}
            THEN 'date_invalide' END AS reason
        FROM read_csv('{etab_path}', all_varchar = true)"""
    )

    def pairs(sql: str) -> dict:
        return dict(con.execute(sql).fetchall())

    ok = "FROM f LEFT JOIN idx ON idx.code = f.codeCommuneEtablissement WHERE reason IS NULL"
    return {
        "etab_read": con.execute("SELECT count(*) FROM f").fetchone()[0],
        "rejected": pairs("SELECT reason, count(*) FROM f WHERE reason IS NOT NULL GROUP BY 1"),
        "kept": con.execute(
            f"SELECT count(*) {ok} AND siren IN (SELECT siren FROM ess)"
        ).fetchone()[0],
        "per_commune": pairs(
            f"SELECT coalesce(idx.commune, coalesce(codeCommuneEtablissement, '')), count(*) {ok} GROUP BY 1"
        ),
        "per_state": pairs(f"SELECT etatAdministratifEtablissement, count(*) {ok} GROUP BY 1"),
        "unknown": pairs(
            f"SELECT coalesce(codeCommuneEtablissement, '(vide)'), count(*) {ok} AND idx.code IS NULL GROUP BY 1"
        ),
        "orphans": con.execute(
            f"SELECT count(*) {ok} AND siren NOT IN (SELECT siren FROM known)"
        ).fetchone()[0],
    }
