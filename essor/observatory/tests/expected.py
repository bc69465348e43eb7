"""Indicators recomputed from the SOURCE files with the csv module, essor.lib.identifiers and the
pure-Python ESS rules (essor.ess.rules): nothing of the import pipeline or of the observatory's
SQL. Rows the import rejects (invalid SIRET/SIREN, SIREN ≠ SIRET prefix, invalid dates) are
skipped the same way, by their documented rules."""

import csv
import datetime
import gzip
from collections import Counter
from pathlib import Path

from essor.ess.rules import Facts, qualify
from essor.lib.identifiers import is_valid_siren, is_valid_siret

NON_EMPLOYER = {"", "NN"}


def _date(value: str) -> datetime.date | None | bool:
    """The date, None when empty or [ND], False when invalid."""
    if not value or value == "[ND]":
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return False


def ess_units(ul_path: Path, perimeter: str) -> dict[str, str]:
    """{siren: family} of the legal units in the perimeter."""
    units = {}
    with ul_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not is_valid_siren(row["siren"]) or _date(row["dateCreationUniteLegale"]) is False:
                continue
            result = qualify(
                Facts(
                    legal_category=row["categorieJuridiqueUniteLegale"],
                    naf=row["activitePrincipaleUniteLegale"],
                    sirene_ess_flag=row["economieSocialeSolidaireUniteLegale"],
                )
            )
            if result.in_statistique if perimeter == "statistique" else result.in_loi2014:
                units[row["siren"]] = result.family.value
    return units


def expected(ul_path: Path, etab_path: Path, perimeter: str) -> dict:
    units = ess_units(ul_path, perimeter)
    family, division = Counter(), Counter()
    created, closed = Counter(), Counter()
    total = employers = 0
    opener = gzip.open if etab_path.suffix == ".gz" else open
    with opener(etab_path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            siret, siren = row["siret"], row["siren"]
            start, end = _date(row["dateCreationEtablissement"]), _date(row["dateDebut"])
            if not is_valid_siret(siret) or siren != siret[:9] or start is False or end is False:
                continue
            if siren not in units:
                continue
            state = row["etatAdministratifEtablissement"]
            if start:
                created[start.year] += 1
            if state == "F" and end:
                closed[end.year] += 1
            if state != "A":
                continue
            total += 1
            family[units[siren]] += 1
            naf2 = row["nomenclatureActivitePrincipaleEtablissement"] == "NAFRev2"
            division[row["activitePrincipaleEtablissement"][:2] if naf2 else ""] += 1
            band = row["trancheEffectifsEtablissement"]
            employers += row["caractereEmployeurEtablissement"] == "O" or band not in NON_EMPLOYER
    return {
        "total": total,
        "employers": employers,
        "family": dict(family),
        "division": dict(division),
        "created": dict(created),
        "closed": dict(closed),
    }


def observed(portrait) -> dict:
    """The same figures read from a Portrait."""
    dynamics = portrait.table("dynamique").rows
    return {
        "total": portrait.headline.establishments,
        "employers": portrait.headline.employer_establishments,
        "family": {r["famille"]: r["etablissements"] for r in portrait.table("familles").rows},
        "division": {
            r["division"]: r["etablissements"] for r in portrait.table("divisions_naf").rows
        },
        "created": {r["annee"]: r["creations"] for r in dynamics if r["creations"]},
        "closed": {r["annee"]: r["fermetures"] for r in dynamics if r["fermetures"]},
    }
