"""Turns a `Chunk` into the Arrow columns of the two official files, with their value shapes."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from essor.sirene.synth import profiles as p
from essor.sirene.synth.arrays import (
    DAY_SECONDS,
    choose,
    constant,
    dates,
    decimals,
    integers,
    joined,
    replaced,
    timestamps,
    with_nulls,
    zero_padded,
)
from essor.sirene.synth.columns import (
    ESTABLISHMENT_COLUMNS,
    LEGAL_UNIT_COLUMNS,
    NOT_DIFFUSED,
    PARTIAL_DIFFUSION_COLUMNS,
)
from essor.sirene.synth.geography import CommuneTable
from essor.sirene.synth.model import (
    FAMILIES,
    FIRST_NUMERIC_BAND,
    FIRST_TREATMENT_DAY,
    FORMS,
    NAF_CODES,
    REFERENCE_DAY,
    Chunk,
)

LEGAL_UNIT_SCHEMA = pa.schema([(name, pa.string()) for name in LEGAL_UNIT_COLUMNS])
ESTABLISHMENT_SCHEMA = pa.schema([(name, pa.string()) for name in ESTABLISHMENT_COLUMNS])
BANDS = pa.array(p.BANDS)
FORM_CJ = pa.array([f.cj for f in FORMS])
FORM_PERSON = np.array([f.cj == "1000" for f in FORMS])
FORM_COMPANY = np.array([f.cj.startswith("5") for f in FORMS])
NAF = pa.array(list(NAF_CODES))
# Registre des métiers code of a craftsman: the NAF code without its dot, then `Z` (`3212ZZ`).
TRADES = pa.array([code.replace(".", "") + "Z" for code in NAF_CODES])
ASSOCIATION = FAMILIES.index("association")
HORS_ESS = FAMILIES.index("hors_ess")
COMMERCIAL_ESS = FAMILIES.index("commercial_ess")
_HEADS = [p.NAME_HEADS.get(f.cj, p.NAME_HEADS["association"]) for f in FORMS]
HEAD_NAMES = pa.array([head for heads in _HEADS for head in heads])
HEAD_OFFSETS = np.cumsum([0] + [len(heads) for heads in _HEADS])[:-1]
HEAD_COUNTS = np.array([len(heads) for heads in _HEADS])
FORM_PLACE_NAMED = np.array([f.cj in p.PLACE_NAMED for f in FORMS])
TOPICS = pa.array(p.NAME_TOPICS)
FORM_LOCAL_LAW = np.array([f.cj == "9260" for f in FORMS])  # registered at the court, no RNA


def _sigles(count: int) -> pa.Array:
    """`count` invented acronyms of 2 to 4 capital letters (fixed: the same in every run)."""
    letters = np.random.default_rng(0).integers(65, 91, (count, 4))
    return pa.array(["".join(map(chr, row[: 2 + i % 3])) for i, row in enumerate(letters.tolist())])


SIGLES = _sigles(400)
STREET_TYPES = pa.array(list(p.STREET_TYPES))
_STREET_CDF = np.cumsum(p.normalised(p.STREET_TYPES))


def _treated(rng: np.random.Generator, start: np.ndarray) -> pa.Array:
    """dateDernierTraitement: a moment between the last change (at the earliest 2014) and the
    reference date."""
    low = np.maximum(start, FIRST_TREATMENT_DAY)
    days = low + np.floor(rng.random(len(low)) * (REFERENCE_DAY - low + 1)).astype(np.int64)
    return timestamps(days * DAY_SECONDS + rng.integers(0, DAY_SECONDS, len(low)))


def _employer(rng: np.random.Generator, band: np.ndarray) -> pa.Array:
    """O when the band counts employees, N for NN, N or empty when the band is unknown."""
    index = np.where(band >= FIRST_NUMERIC_BAND, 0, 1)
    return choose(["O", "N"], index, null=(band == 0) & (rng.random(len(band)) < 0.2))


def _years(rng: np.random.Generator, band: np.ndarray) -> pa.Array:
    return integers(rng.integers(2021, 2024, len(band)), null=band < FIRST_NUMERIC_BAND)


def legal_units(rng: np.random.Generator, chunk: Chunk, communes: CommuneTable) -> pa.Table:
    n = len(chunk.siren)
    family, form = chunk.family, chunk.form
    person = FORM_PERSON[form]
    company = FORM_COMPANY[form]
    partial = chunk.partial

    def person_column(value: str) -> pa.Array:
        return choose([value, NOT_DIFFUSED], partial.astype(np.int64), null=~person)

    head = HEAD_OFFSETS[form] + np.floor(rng.random(n) * HEAD_COUNTS[form]).astype(np.int64)
    head = choose(HEAD_NAMES, head)
    topic = joined(head, choose(TOPICS, rng.integers(0, len(TOPICS), n)), separator=" ")
    place = communes.label_column.take(pa.array(chunk.head_commune))
    placed = rng.random(n) < 0.4
    name = pc.if_else(pa.array(placed), joined(topic, place, separator=" DE "), topic)
    name = pc.if_else(pa.array(FORM_PLACE_NAMED[form]), joined(head, place, separator=" DE "), name)
    rna = (family == ASSOCIATION) & ~FORM_LOCAL_LAW[form] & (rng.random(n) < 0.75)
    ess_flag = np.select(
        [family == COMMERCIAL_ESS, family != HORS_ESS],
        [0, np.where(rng.random(n) < 0.88, 0, np.where(rng.random(n) < 0.8, -1, 1))],
        np.where(rng.random(n) < 0.5, 1, -1),
    )
    mission = np.where(
        company, np.where(rng.random(n) < np.where(family == COMMERCIAL_ESS, 0.15, 0.02), 0, 1), -1
    )
    band = chunk.ul_band
    category = np.select([band >= p.BANDS.index("51"), band >= p.BANDS.index("32")], [2, 1], 0)
    periods = 1 + (chunk.ul_start != chunk.created) + chunk.ceased + rng.poisson(0.3, n)
    sigle = (~person) & (rng.random(n) < 0.1)
    columns = {
        "siren": zero_padded(chunk.siren, 9),
        "statutDiffusionUniteLegale": choose(["O", "P"], partial.astype(np.int64)),
        "unitePurgeeUniteLegale": constant(None, n),
        "dateCreationUniteLegale": dates(chunk.created),
        "sigleUniteLegale": replaced(
            choose(SIGLES, rng.integers(0, len(SIGLES), n), null=~sigle),
            partial & sigle,
            NOT_DIFFUSED,
        ),
        "sexeUniteLegale": replaced(
            choose(["M", "F"], rng.integers(0, 2, n), null=~person), partial & person, NOT_DIFFUSED
        ),
        "prenom1UniteLegale": person_column(p.FAKE_PERSON),
        "prenom2UniteLegale": constant(None, n),
        "prenom3UniteLegale": constant(None, n),
        "prenom4UniteLegale": constant(None, n),
        "prenomUsuelUniteLegale": person_column(p.FAKE_PERSON),
        "pseudonymeUniteLegale": constant(None, n),
        "identifiantAssociationUniteLegale": with_nulls(
            joined(
                communes.rna_prefix_column.take(pa.array(chunk.head_commune)),
                zero_padded(chunk.siren // 10 % 1_000_000, 6),
            ),
            ~rna,
        ),
        "trancheEffectifsUniteLegale": choose(BANDS, band, null=band == 0),
        "anneeEffectifsUniteLegale": _years(rng, band),
        "dateDernierTraitementUniteLegale": _treated(rng, chunk.ul_start),
        "nombrePeriodesUniteLegale": integers(periods),
        "categorieEntreprise": choose(["PME", "ETI", "GE"], category, null=chunk.ceased),
        "anneeCategorieEntreprise": choose(["2022"], np.zeros(n, np.int64), null=chunk.ceased),
        "dateDebut": dates(chunk.ul_start),
        "etatAdministratifUniteLegale": choose(["A", "C"], chunk.ceased.astype(np.int64)),
        "nomUniteLegale": person_column(p.FAKE_PERSON),
        "nomUsageUniteLegale": constant(None, n),
        "denominationUniteLegale": with_nulls(name, person),
        "denominationUsuelle1UniteLegale": with_nulls(
            choose(TOPICS, rng.integers(0, len(TOPICS), n)), person | (rng.random(n) > 0.03)
        ),
        "denominationUsuelle2UniteLegale": constant(None, n),
        "denominationUsuelle3UniteLegale": constant(None, n),
        "categorieJuridiqueUniteLegale": FORM_CJ.take(pa.array(form)),
        "activitePrincipaleUniteLegale": NAF.take(pa.array(chunk.naf)),
        "nomenclatureActivitePrincipaleUniteLegale": constant("NAFRev2", n),
        "nicSiegeUniteLegale": zero_padded(chunk.head_nic, 5),
        "economieSocialeSolidaireUniteLegale": choose(
            ["O", "N"], np.maximum(ess_flag, 0), null=ess_flag < 0
        ),
        "societeMissionUniteLegale": choose(["O", "N"], np.maximum(mission, 0), null=mission < 0),
        "caractereEmployeurUniteLegale": _employer(rng, band),
        "activitePrincipaleNAF25UniteLegale": constant(None, n),
    }
    return pa.Table.from_arrays(
        [columns[name] for name in LEGAL_UNIT_COLUMNS], schema=LEGAL_UNIT_SCHEMA
    )


def establishments(rng: np.random.Generator, chunk: Chunk, communes: CommuneTable) -> pa.Table:
    n = len(chunk.siret)
    unit = chunk.unit
    partial = chunk.partial[unit]
    person = FORM_PERSON[chunk.form][unit]
    band = chunk.band
    number = np.floor(np.exp(rng.random(n) * np.log(300))).astype(np.int64)
    no_number = rng.random(n) < 0.2
    street_type = np.searchsorted(_STREET_CDF, rng.random(n), side="right")
    no_street = rng.random(n) < 0.05
    repeat = rng.random(n)
    not_geocoded = np.isnan(chunk.x) | (rng.random(n) < 0.01)
    place = pa.array(chunk.commune)
    sign = rng.random(n) < 0.08
    columns = {
        "siren": zero_padded(chunk.siren[unit], 9),
        "nic": zero_padded(chunk.nic, 5),
        "siret": zero_padded(chunk.siret, 14),
        "statutDiffusionEtablissement": choose(["O", "P"], partial.astype(np.int64)),
        "dateCreationEtablissement": dates(chunk.est_created),
        "trancheEffectifsEtablissement": choose(BANDS, band, null=band == 0),
        "anneeEffectifsEtablissement": _years(rng, band),
        "activitePrincipaleRegistreMetiersEtablissement": choose(
            TRADES, chunk.est_naf, null=~person | (rng.random(n) > 0.15)
        ),
        "dateDernierTraitementEtablissement": _treated(rng, chunk.est_start),
        "etablissementSiege": choose(["false", "true"], chunk.head.astype(np.int64)),
        "nombrePeriodesEtablissement": integers(
            1 + chunk.closed + (chunk.est_start != chunk.est_created) + rng.poisson(0.3, n)
        ),
        "complementAdresseEtablissement": choose(
            p.ADDRESS_COMPLEMENTS,
            rng.integers(0, len(p.ADDRESS_COMPLEMENTS), n),
            null=rng.random(n) > 0.05,
        ),
        "numeroVoieEtablissement": integers(number, null=no_number),
        "indiceRepetitionEtablissement": choose(
            ["B", "T"], (repeat < 0.01).astype(np.int64), null=no_number | (repeat > 0.04)
        ),
        "dernierNumeroVoieEtablissement": constant(None, n),
        "indiceRepetitionDernierNumeroVoieEtablissement": constant(None, n),
        "typeVoieEtablissement": choose(STREET_TYPES, street_type, null=no_street),
        "libelleVoieEtablissement": choose(
            p.STREET_NAMES, rng.integers(0, len(p.STREET_NAMES), n), null=no_street
        ),
        "codePostalEtablissement": communes.postal_column.take(place),
        "libelleCommuneEtablissement": communes.label_column.take(place),
        "libelleCommuneEtrangerEtablissement": constant(None, n),
        "distributionSpecialeEtablissement": constant(None, n),
        "codeCommuneEtablissement": communes.code_column.take(place),
        "codeCedexEtablissement": constant(None, n),
        "libelleCedexEtablissement": constant(None, n),
        "codePaysEtrangerEtablissement": constant(None, n),
        "libellePaysEtrangerEtablissement": constant(None, n),
        "identifiantAdresseEtablissement": constant(None, n),
        "coordonneeLambertAbscisseEtablissement": decimals(chunk.x, not_geocoded),
        "coordonneeLambertOrdonneeEtablissement": decimals(chunk.y, not_geocoded),
    }
    for name in ESTABLISHMENT_COLUMNS[30:44]:  # the second address, never filled here
        columns[name] = constant(None, n)
    columns |= {
        "dateDebut": dates(chunk.est_start),
        "etatAdministratifEtablissement": choose(["A", "F"], chunk.closed.astype(np.int64)),
        "enseigne1Etablissement": choose(
            p.SHOP_SIGNS, rng.integers(0, len(p.SHOP_SIGNS), n), null=~sign
        ),
        "enseigne2Etablissement": constant(None, n),
        "enseigne3Etablissement": constant(None, n),
        "denominationUsuelleEtablissement": choose(
            TOPICS, rng.integers(0, len(TOPICS), n), null=rng.random(n) > 0.03
        ),
        "activitePrincipaleEtablissement": NAF.take(pa.array(chunk.est_naf)),
        "nomenclatureActivitePrincipaleEtablissement": constant("NAFRev2", n),
        "caractereEmployeurEtablissement": _employer(rng, band),
    }
    for name in PARTIAL_DIFFUSION_COLUMNS:
        columns[name] = replaced(columns[name], partial, NOT_DIFFUSED)
    return pa.Table.from_arrays(
        [columns[name] for name in ESTABLISHMENT_COLUMNS], schema=ESTABLISHMENT_SCHEMA
    )
