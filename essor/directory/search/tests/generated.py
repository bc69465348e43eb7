"""A generated directory of a few thousand entries with realistic variety (names drawn from a
small French vocabulary with accents, elisions and plurals, repeated names, enseignes, every
family, several legal categories, NAF codes, size bands, open and closed, partial diffusion,
missing positions, QPV, ESUS and SIAE, validated actors with themes and labels, actors without
SIREN), over 12 communes in 4 départements and 2 régions."""

import random

from essor.directory.enums import ModerationStatus
from essor.directory.models import Actor
from essor.directory.search import facets as fx
from essor.ess.enums import EssFamily
from essor.sirene.models import Establishment, ImportRun, LegalUnit, RunStatus
from essor.territories.models import Commune, Departement, Epci, Region

# code, name, postal code, epci, département, région, lat, lon
COMMUNES = [
    ("44109", "Nantes", "44000", "244400404", "44", "52", 47.2184, -1.5536),
    ("44143", "Rezé", "44400", "244400404", "44", "52", 47.1833, -1.55),
    ("44162", "Saint-Herblain", "44800", "244400404", "44", "52", 47.2122, -1.6497),
    ("44184", "Saint-Nazaire", "44600", "244400644", "44", "52", 47.2735, -2.2138),
    ("49007", "Angers", "49000", "244900015", "49", "52", 47.4784, -0.5632),
    ("49328", "Saumur", "49400", "244900882", "49", "52", 47.26, -0.0769),
    ("49099", "Cholet", "49300", "244900809", "49", "52", 47.06, -0.8792),
    ("35238", "Rennes", "35000", "243500139", "35", "53", 48.1113, -1.6800),
    ("35288", "Saint-Malo", "35400", "243500782", "35", "53", 48.6493, -2.0257),
    ("29019", "Brest", "29200", "242900314", "29", "53", 48.3904, -4.4861),
    ("29232", "Quimper", "29000", "242900793", "29", "53", 47.9960, -4.1024),
    ("29103", "Landerneau", "29800", "242900314", "29", "53", 48.4508, -4.2494),
]
WORDS = (
    "Association Associations Coopérative Épicerie Épiceries Solidaire Solidaires Ressourcerie "
    "Club Clubs Sport Sports Culture Culturelle Jardin Jardins Habitat Mutuelle Vélo Théâtre "
    "Musique Emploi Insertion Bio Paysanne L'Atelier d'Ici Pays Nantais Angevin Breton Amis "
    "Chevaux Jeux Café Librairie Crèche Parents Aide Domicile Coop Coopération Coopérer "
    "Recyclerie Énergie Citoyenne Ferme Maraîchage Tiers-Lieu R.P.S. Œuvre Santé Soins "
    "Famille Familles Quartier Quartiers Loisirs Éducation Populaire Cinéma Danse Chorale"
).split()
LINKS = ["des", "du", "de la", "et", "pour", "les", "l'", "d'"]
CATEGORIES = ["9220", "9210", "5458", "5499", "8210", "9300", "6317", "5710"]
NAFS = ["47.11B", "77.21Z", "47.79Z", "65.12Z", "62.01Z", "68.20A", "88.99B", "93.12Z",
        "90.01Z", "01.13Z", "85.59A", "56.10A", "88.10A", "94.99Z"]  # fmt: skip
TRANCHES = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", ""]
SIAE = ["", "", "", "", "ACI", "EI", "AI"]


def name(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(1, 3))
    if len(words) > 1 and rng.random() < 0.5:
        words.insert(1, rng.choice(LINKS))
    return " ".join(words).replace("' ", "'")


def make_referential() -> None:
    for code, label in (("52", "Pays de la Loire"), ("53", "Bretagne")):
        Region.objects.create(code=code, name=label, search_name=label.lower())
    for dep, region, label in (("44", "52", "Loire-Atlantique"), ("49", "52", "Maine-et-Loire"),
                               ("35", "53", "Ille-et-Vilaine"), ("29", "53", "Finistère")):  # fmt: skip
        Departement.objects.create(
            code=dep, region_id=region, name=label, search_name=label.lower()
        )
    for epci in sorted({c[3] for c in COMMUNES}):
        Epci.objects.create(siren=epci, nature="CA", name=f"EPCI {epci}", search_name=epci)
    for code, label, postal, epci, dep, _region, lat, lon in COMMUNES:
        Commune.objects.create(
            code=code, name=label, search_name=label.lower(), kind="COM", departement_id=dep,
            epci_id=epci, lat=lat, lon=lon, population=50_000, postal_codes=postal,
            bbox=[lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1],
        )  # fmt: skip


def make_sirene(units: int, seed: int) -> ImportRun:
    rng = random.Random(seed)
    run = ImportRun.objects.create(status=RunStatus.SUCCEEDED, is_current=True)
    families = [f.value for f in EssFamily]
    names = [name(rng) for _ in range(units // 3)]
    legal, establishments = [], []
    for index in range(units):
        siren = f"{300000000 + index:09d}"
        tranche = rng.choice(TRANCHES)
        legal.append(LegalUnit(
            run=run, siren=siren, diffusion="P" if rng.random() < 0.1 else "O",
            name=rng.choice(names) if rng.random() < 0.7 else name(rng),
            sigle=rng.choice(["", "", "", "ABC", "R.P.S.", "APEI"]),
            legal_category=rng.choice(CATEGORIES), naf=rng.choice(NAFS), workforce_band=tranche,
            employer=None if tranche == "" else tranche not in ("NN", "00"),
            state="C" if rng.random() < 0.1 else "A", head_office_nic="00011",
            esus=rng.random() < 0.1, siae_kind=rng.choice(SIAE), family=rng.choice(families),
            in_statistique=True, in_loi2014=True,
        ))  # fmt: skip
    units_by_siren = {u.siren: u for u in LegalUnit.objects.bulk_create(legal)}
    for siren, unit in units_by_siren.items():
        for n in range(rng.choice([1, 1, 1, 2, 3])):
            code, _label, postal, epci, dep, region, lat, lon = rng.choice(COMMUNES)
            placed = rng.random() < 0.9
            establishments.append(Establishment(
                run=run, legal_unit=unit, siret=f"{siren}{n + 1:05d}", siren=siren,
                diffusion=unit.diffusion, name=unit.name,
                enseigne=name(rng) if rng.random() < 0.15 else "", address="1 rue de la Paix",
                postal_code=postal, source_commune_code=code, commune_code=code,
                epci_siren=epci, departement_code=dep, region_code=region, naf=unit.naf,
                naf_division=unit.naf[:2], workforce_band=unit.workforce_band,
                employer=unit.employer, state="F" if rng.random() < 0.15 else "A",
                is_head_office=n == 0,
                lat=lat + rng.uniform(-0.08, 0.08) if placed else None,
                lon=lon + rng.uniform(-0.08, 0.08) if placed else None,
                qpv_code="QN04402M" if rng.random() < 0.08 else "",
            ))  # fmt: skip
    Establishment.objects.bulk_create(establishments)
    return run


def make_actors(count: int, seed: int) -> list[Actor]:
    rng = random.Random(seed + 1)
    sirens = rng.sample(sorted(LegalUnit.objects.values_list("siren", flat=True)), count)
    actors = []
    for index in range(count):
        with_siren = index % 3 != 0
        actors.append(Actor.objects.create(
            slug=f"acteur-{index}", siren=sirens[index] if with_siren else "",
            name=name(rng), status=ModerationStatus.VALIDATED,
            description=" ".join(rng.sample(WORDS, 4)) if rng.random() < 0.7 else "",
            themes=rng.sample(fx.THEMES, rng.randint(0, 2)),
            labels=rng.sample(fx.LABELS, rng.randint(0, 2)),
            website="https://exemple.fr" if rng.random() < 0.5 else "",
            commune=None if with_siren else Commune.objects.get(code=rng.choice(COMMUNES)[0]),
        ))  # fmt: skip
    return actors
