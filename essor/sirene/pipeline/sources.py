"""Declared Sirene stock formats: the columns we expect, the ones we read, the ones we never read.

Every column is read as VARCHAR (no type sniffing); the pipeline casts what it needs in SQL.
"""

from dataclasses import dataclass

UL = "unites_legales"
ETAB = "etablissements"

# Identity of natural persons (entrepreneurs individuels): never selected, never stored.
PERSONAL_COLUMNS = frozenset(
    {
        "sexeUniteLegale",
        "prenom1UniteLegale",
        "prenom2UniteLegale",
        "prenom3UniteLegale",
        "prenom4UniteLegale",
        "prenomUsuelUniteLegale",
        "pseudonymeUniteLegale",
        "nomUniteLegale",
        "nomUsageUniteLegale",
    }
)

# StockUniteLegale columns the pipeline reads (present in every v3 header, with or without
# societeMissionUniteLegale / activitePrincipaleNAF25UniteLegale).
UL_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "etatAdministratifUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "caractereEmployeurUniteLegale",
)

# StockEtablissement columns read in every format (48, 53 and 54 columns).
ETAB_COLUMNS = (
    "siren",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
)
# Only in the 53/54-column formats (Sirene 4, 2024): read when present, NULL otherwise.
ETAB_OPTIONAL_COLUMNS = (
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
)

# Columns that tell one file kind from the other.
UL_ONLY_MARKERS = ("categorieJuridiqueUniteLegale", "denominationUniteLegale")
ETAB_ONLY_MARKERS = ("siret", "nic", "codeCommuneEtablissement")


@dataclass(frozen=True)
class FileSpec:
    role: str
    label: str  # French, for messages
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def selected(self, header: list[str]) -> list[str]:
        """Columns to read from this header: required ones plus the optional ones present."""
        return [*self.required, *(c for c in self.optional if c in header)]


SPECS = {
    UL: FileSpec(UL, "unités légales", UL_COLUMNS),
    ETAB: FileSpec(ETAB, "établissements", ETAB_COLUMNS, ETAB_OPTIONAL_COLUMNS),
}


def format_version(header: list[str]) -> str:
    """« 53 colonnes » (2024), « 48 colonnes » (before Sirene 4), « 54 colonnes » (NAF 2025)."""
    return f"{len(header)} colonnes"


# Full headers, in file order, of the known formats (all columns are VARCHAR for DuckDB).
ETAB_HEADER_53 = (
    "siren nic siret statutDiffusionEtablissement dateCreationEtablissement "
    "trancheEffectifsEtablissement anneeEffectifsEtablissement "
    "activitePrincipaleRegistreMetiersEtablissement dateDernierTraitementEtablissement "
    "etablissementSiege nombrePeriodesEtablissement complementAdresseEtablissement "
    "numeroVoieEtablissement indiceRepetitionEtablissement dernierNumeroVoieEtablissement "
    "indiceRepetitionDernierNumeroVoieEtablissement typeVoieEtablissement "
    "libelleVoieEtablissement codePostalEtablissement libelleCommuneEtablissement "
    "libelleCommuneEtrangerEtablissement distributionSpecialeEtablissement "
    "codeCommuneEtablissement codeCedexEtablissement libelleCedexEtablissement "
    "codePaysEtrangerEtablissement libellePaysEtrangerEtablissement "
    "identifiantAdresseEtablissement coordonneeLambertAbscisseEtablissement "
    "coordonneeLambertOrdonneeEtablissement complementAdresse2Etablissement "
    "numeroVoie2Etablissement indiceRepetition2Etablissement typeVoie2Etablissement "
    "libelleVoie2Etablissement codePostal2Etablissement libelleCommune2Etablissement "
    "libelleCommuneEtranger2Etablissement distributionSpeciale2Etablissement "
    "codeCommune2Etablissement codeCedex2Etablissement libelleCedex2Etablissement "
    "codePaysEtranger2Etablissement libellePaysEtranger2Etablissement dateDebut "
    "etatAdministratifEtablissement enseigne1Etablissement enseigne2Etablissement "
    "enseigne3Etablissement denominationUsuelleEtablissement activitePrincipaleEtablissement "
    "nomenclatureActivitePrincipaleEtablissement caractereEmployeurEtablissement"
).split()
ETAB_HEADER_48 = [
    c
    for c in ETAB_HEADER_53
    if c
    not in {
        "dernierNumeroVoieEtablissement",
        "indiceRepetitionDernierNumeroVoieEtablissement",
        "identifiantAdresseEtablissement",
        "coordonneeLambertAbscisseEtablissement",
        "coordonneeLambertOrdonneeEtablissement",
    }
]
ETAB_HEADER_54 = [*ETAB_HEADER_53, "activitePrincipaleNAF25Etablissement"]
UL_HEADER = (
    "siren statutDiffusionUniteLegale unitePurgeeUniteLegale dateCreationUniteLegale "
    "sigleUniteLegale sexeUniteLegale prenom1UniteLegale prenom2UniteLegale prenom3UniteLegale "
    "prenom4UniteLegale prenomUsuelUniteLegale pseudonymeUniteLegale "
    "identifiantAssociationUniteLegale trancheEffectifsUniteLegale anneeEffectifsUniteLegale "
    "dateDernierTraitementUniteLegale nombrePeriodesUniteLegale categorieEntreprise "
    "anneeCategorieEntreprise dateDebut etatAdministratifUniteLegale nomUniteLegale "
    "nomUsageUniteLegale denominationUniteLegale denominationUsuelle1UniteLegale "
    "denominationUsuelle2UniteLegale denominationUsuelle3UniteLegale "
    "categorieJuridiqueUniteLegale activitePrincipaleUniteLegale "
    "nomenclatureActivitePrincipaleUniteLegale nicSiegeUniteLegale "
    "economieSocialeSolidaireUniteLegale societeMissionUniteLegale "
    "caractereEmployeurUniteLegale activitePrincipaleNAF25UniteLegale"
).split()
KNOWN_COLUMNS = frozenset(ETAB_HEADER_54) | frozenset(UL_HEADER)
