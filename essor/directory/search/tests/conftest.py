"""A small hand-made directory: three communes (Nantes, Rezé in Nantes Métropole, Angers), a
current Sirene import with known names, two validated actors; the index built from it."""

import json

import pytest

from essor.directory.enums import ModerationStatus
from essor.directory.models import Actor
from essor.directory.search.indexer import rebuild
from essor.sirene.models import Establishment, ImportRun, LegalUnit, RunStatus
from essor.territories.models import Commune, Departement, Epci, Region

COMMUNES = [
    # code, name, epci, dep, region, lat, lon
    ("44109", "Nantes", "244400404", "44", "52", 47.2184, -1.5536),
    ("44143", "Rezé", "244400404", "44", "52", 47.1833, -1.55),
    ("49007", "Angers", "244900015", "49", "52", 47.4784, -0.5632),
]

# siren, name, family, legal category, naf, tranche, commune, diffusion, state, esus, siae, qpv
UNITS = [
    ("100000001", "Épicerie solidaire des Possibles", "association", "9220", "47.11B", "01",
     "44109", "O", "A", False, "", "QN04402M"),
    ("100000002", "Les Épiceries de l'Ouest", "cooperative", "5458", "47.11B", "12", "44143",
     "O", "A", True, "", ""),
    ("100000003", "Association Vélo Campus", "association", "9220", "77.21Z", "NN", "44109",
     "P", "A", False, "", ""),
    ("100000004", "Ressourcerie du Pays Angevin", "association", "9220", "47.79Z", "03",
     "49007", "O", "A", False, "ACI", ""),
    ("100000005", "Mutuelle des Chevaux", "mutuelle", "8210", "65.12Z", "32", "49007", "O",
     "F", False, "", ""),
    ("100000006", "Atelier numérique Épicerie", "cooperative", "5458", "62.01Z", "11", "44143",
     "O", "A", True, "", ""),
    ("100000007", "Fondation Habitat", "fondation", "9300", "68.20A", "21", "44109", "O", "A",
     False, "", ""),
]  # fmt: skip


def square(lon: float, lat: float) -> str:
    ring = [[lon - 0.05, lat - 0.05], [lon + 0.05, lat - 0.05], [lon, lat + 0.05]]
    return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def make_referential():
    Region.objects.create(code="52", name="Pays de la Loire", search_name="pays de la loire")
    for dep, name in (("44", "Loire-Atlantique"), ("49", "Maine-et-Loire")):
        Departement.objects.create(code=dep, region_id="52", name=name, search_name=name.lower())
    Epci.objects.create(siren="244400404", nature="METRO", name="Nantes Métropole",
                        search_name="nantes metropole")  # fmt: skip
    Epci.objects.create(siren="244900015", nature="CU", name="Angers Loire Métropole",
                        search_name="angers loire metropole")  # fmt: skip
    for code, name, epci, dep, _region, lat, lon in COMMUNES:
        Commune.objects.create(
            code=code, name=name, search_name=name.lower().replace("é", "e"), kind="COM",
            departement_id=dep, epci_id=epci, lat=lat, lon=lon, population=100_000,
            postal_codes={"44109": "44000", "44143": "44400", "49007": "49000"}[code],
            bbox=[lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1],
            geometry=square(lon, lat),
        )  # fmt: skip


def make_sirene() -> ImportRun:
    run = ImportRun.objects.create(status=RunStatus.SUCCEEDED, is_current=True)
    by_code = {c[0]: c for c in COMMUNES}
    for index, unit in enumerate(UNITS):
        (siren, name, family, category, naf, tranche, commune, diffusion, state, esus, siae,
         qpv) = unit  # fmt: skip
        legal = LegalUnit.objects.create(
            run=run, siren=siren, diffusion=diffusion, name=name, legal_category=category,
            naf=naf, workforce_band=tranche, employer=tranche not in ("NN", ""), state=state,
            head_office_nic="00011", esus=esus, siae_kind=siae, family=family,
            in_statistique=family != "commercial", in_loi2014=True,
        )  # fmt: skip
        _, _, epci, dep, region, lat, lon = by_code[commune]
        for n in range(2 if index == 0 else 1):
            Establishment.objects.create(
                run=run, legal_unit=legal, siret=f"{siren}0001{n + 1}", siren=siren,
                diffusion=diffusion, name=name, enseigne="", address="1 rue de la Paix",
                postal_code=by_code[commune][0][:2] + "000", source_commune_code=commune,
                commune_code=commune, epci_siren=epci, departement_code=dep,
                region_code=region, naf=naf, naf_division=naf[:2], workforce_band=tranche,
                employer=tranche not in ("NN", ""), state="F" if state == "F" else "A",
                is_head_office=n == 0, lat=lat + 0.001 * (index + n), lon=lon + 0.001 * index,
                qpv_code=qpv if n == 0 else "",
            )  # fmt: skip
    return run


def make_actors():
    Actor.objects.create(
        slug="epicerie-des-possibles", siren="100000001", name="Épicerie des Possibles",
        status=ModerationStatus.VALIDATED, description="Une épicerie en vrac et circuits courts",
        themes=["alimentation_durable"], labels=["tiers_lieu"], website="https://exemple.fr",
    )  # fmt: skip
    Actor.objects.create(
        slug="collectif-jardins", name="Collectif des jardins partagés",
        status=ModerationStatus.VALIDATED, life_stage="en_projet",
        commune=Commune.objects.get(code="44143"), themes=["alimentation_durable"],
    )  # fmt: skip
    Actor.objects.create(
        slug="refuse",
        name="Acteur refusé",
        status=ModerationStatus.REFUSED,
    )


@pytest.fixture
def directory(db):
    make_referential()
    run = make_sirene()
    make_actors()
    rebuild()
    return run
