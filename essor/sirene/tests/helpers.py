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


def expected(ul_path: Path, etab_path: Path, index: dict) -> dict:
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
    _, etabs = read_rows(etab_path)
    rejected: Counter = Counter()
    per_commune: Counter = Counter()
    per_state: Counter = Counter()
    unknown: Counter = Counter()
    kept = orphans = 0
    for row in etabs:
        siret, siren = row["siret"], row["siren"]
        if not is_valid_siret(siret):
            rejected["siret_invalide"] += 1
        elif siren != siret[:9]:
            rejected["siren_incoherent"] += 1
        elif not (_date_ok(row["dateCreationEtablissement"]) and _date_ok(row["dateDebut"])):
            rejected["date_invalide"] += 1
        else:
            code = row["codeCommuneEtablissement"]
            ref = index.get(code)
            per_commune[ref.commune_code if ref else code] += 1
            if ref is None:
                unknown[code or "(vide)"] += 1
            per_state[row["etatAdministratifEtablissement"]] += 1
            kept += siren in ess
            orphans += siren not in known_sirens
    return {
        "ul_read": len(uls),
        "ul_rejected": dict(ul_rejected),
        "ul_kept": len(ess),
        "etab_read": len(etabs),
        "rejected": dict(rejected),
        "kept": kept,
        "per_commune": dict(per_commune),
        "per_state": dict(per_state),
        "unknown": dict(unknown),
        "orphans": orphans,
    }
