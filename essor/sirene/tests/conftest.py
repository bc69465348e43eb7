"""Fixtures of the Sirene import tests: the real COG referential in the DB, sample files."""

import csv
from pathlib import Path

import pytest

from essor.territories.enums import AliasKind, CommuneKind
from essor.territories.models import Commune, CommuneAlias, Departement, Epci, Region

V3 = "sirene_stock_extrait_v3"
Y2021 = "sirene_stock_etablissement_2021_11_extrait"


@pytest.fixture
def ul_file(shared_data) -> Path:
    return shared_data / V3 / "StockUniteLegale_utf8_extrait.csv"


@pytest.fixture
def etab_file(shared_data) -> Path:
    return shared_data / V3 / "StockEtablissement_utf8_extrait.csv"


@pytest.fixture
def etab_2021_file(shared_data) -> Path:
    return next((shared_data / Y2021).glob("*.csv.gz"))


def cog_rows(shared_data: Path) -> list[dict]:
    path = shared_data / "cog_2026_decoupage_administratif" / "communes.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# Départements loaded for the acceptance tests: Paris, Lyon and Marseille (arrondissements),
# Calvados and Manche (many old delegated codes), Nantes, Avignon, two DROM. Establishments in
# other départements are "unknown communes", on both sides of the comparison.
DEPARTEMENTS = {"13", "14", "44", "50", "69", "75", "84", "971", "974"}


@pytest.fixture
def referential(db, shared_data) -> list[dict]:
    """The communes of DEPARTEMENTS in COG 2026 (with arrondissements and old codes)."""
    rows = [r for r in cog_rows(shared_data) if r["departement"] in DEPARTEMENTS]
    regions = {r["region"] for r in rows if r["region"]}
    Region.objects.bulk_create([Region(code=c, name=c, search_name=c) for c in sorted(regions)])
    deps = {r["departement"]: r["region"] for r in rows if r["region"]}
    Departement.objects.bulk_create(
        [Departement(code=c, region_id=reg, name=c, search_name=c) for c, reg in deps.items()]
    )
    epcis = {r["epci_siren"]: r["epci_nature"] for r in rows if r["epci_siren"]}
    Epci.objects.bulk_create(
        [Epci(siren=s, nature=n, name=s, search_name=s) for s, n in epcis.items()]
    )
    current = [r for r in rows if r["type"] == "commune-actuelle" and r["region"]]
    Commune.objects.bulk_create(
        [
            Commune(
                code=r["code_insee"],
                kind=CommuneKind.COMMUNE,
                departement_id=r["departement"],
                epci_id=r["epci_siren"] or None,
                name=r["nom"],
                search_name=r["nom"],
            )
            for r in current
        ]
    )
    known = {r["code_insee"] for r in current}
    Commune.objects.bulk_create(
        [
            Commune(
                code=r["code_insee"],
                kind=CommuneKind.ARRONDISSEMENT,
                parent_id=r["commune_parente"],
                departement_id=r["departement"],
                epci_id=r["epci_siren"] or None,
                name=r["nom"],
                search_name=r["nom"],
            )
            for r in rows
            if r["type"] == "arrondissement-municipal"
        ]
    )
    aliases = {}
    for r in rows:
        kind = {"commune-deleguee": AliasKind.DELEGUEE, "commune-associee": AliasKind.ASSOCIEE}
        if r["type"] in kind and r["code_insee"] not in known and r["commune_parente"] in known:
            aliases[r["code_insee"]] = CommuneAlias(
                code=r["code_insee"],
                name=r["nom"],
                kind=kind[r["type"]],
                commune_id=r["commune_parente"],
            )
    CommuneAlias.objects.bulk_create(aliases.values())
    return rows
