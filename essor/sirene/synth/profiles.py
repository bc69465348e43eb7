"""Invented-but-plausible distributions of the synthetic Sirene stocks (see the package docstring).

Every table here is data: a legal-form row says which catégorie juridique (CJ), which activity
profile, which site-count profile and which workforce profile a legal unit of that form draws.
"""

from dataclasses import dataclass

import numpy as np

# Share of establishments that belong to ESS legal units (brief: ~15 %; for comparison, ESS
# establishments are 12.8 % of private employer establishments in Pays de la Loire, domain.md §7.2).
ESS_ESTABLISHMENT_SHARE = 0.15

# Reference date of the synthetic stock: nothing happens after it. Fixed so that a seed always
# gives the same bytes.
REFERENCE_DATE = np.datetime64("2025-10-31")
OLDEST_CREATION = np.datetime64("1950-01-01")
ALSACE_MOSELLE = ("57", "67", "68")


@dataclass(frozen=True)
class LegalForm:
    cj: str
    family: str  # association, cooperative, mutuelle, fondation, commercial_ess, or hors_ess
    weight: float  # share of legal units inside its group (ESS or not)
    activity: str  # key of ACTIVITIES
    sites: str  # key of SITES
    workforce: str  # key of WORKFORCE
    alsace_moselle: bool | None = None  # True: only there; False: never there; None: anywhere


# ESS group. Associations ≈ 80 % of ESS legal units (95.8 % of the units flagged in Sirene are
# associations, domain.md §3.3; the flag under-counts cooperatives and mutuelles, hence 80 %).
ESS_FORMS: tuple[LegalForm, ...] = (
    LegalForm("9220", "association", 0.765, "association", "association", "association", False),
    LegalForm("9221", "association", 0.010, "insertion", "association", "company", False),
    LegalForm("9222", "association", 0.005, "insertion", "association", "company", False),
    # Alsace-Moselle: the same weight is drawn there, spread over local-law forms (domain.md §3.4).
    LegalForm("9220", "association", 0.400, "association", "association", "association", True),
    LegalForm("9260", "association", 0.300, "association", "association", "association", True),
    LegalForm("9210", "association", 0.050, "association", "association", "association", True),
    LegalForm("9230", "association", 0.030, "association", "association", "large", True),
    LegalForm("5458", "cooperative", 0.030, "cooperative", "company", "company"),
    LegalForm("5460", "cooperative", 0.010, "cooperative", "company", "company"),
    LegalForm("5560", "cooperative", 0.008, "cooperative", "company", "company"),
    LegalForm("6317", "cooperative", 0.020, "agricultural", "company", "company"),
    LegalForm("6316", "cooperative", 0.010, "agricultural", "single", "tiny"),
    LegalForm("5191", "cooperative", 0.002, "bank", "company", "large"),
    LegalForm("5192", "cooperative", 0.002, "bank", "network", "large"),
    LegalForm("5194", "cooperative", 0.004, "bank", "network", "large"),
    LegalForm("5196", "cooperative", 0.002, "bank", "network", "large"),
    LegalForm("8210", "mutuelle", 0.025, "mutuelle", "network", "large"),
    LegalForm("6411", "mutuelle", 0.010, "mutuelle", "company", "large"),
    LegalForm("8290", "mutuelle", 0.005, "mutuelle", "company", "large"),
    LegalForm("9300", "fondation", 0.020, "fondation", "company", "large"),
    # Commercial ESS companies: a company form flagged `economieSocialeSolidaireUniteLegale = O`.
    LegalForm("5710", "commercial_ess", 0.040, "commercial_ess", "company", "company"),
    LegalForm("5499", "commercial_ess", 0.020, "commercial_ess", "company", "company"),
)

NON_ESS_FORMS: tuple[LegalForm, ...] = (
    LegalForm("1000", "hors_ess", 0.550, "individual", "single", "tiny"),
    LegalForm("5499", "hors_ess", 0.110, "company", "company", "company"),
    LegalForm("5498", "hors_ess", 0.050, "company", "single", "tiny"),
    LegalForm("5710", "hors_ess", 0.110, "company", "company", "company"),
    LegalForm("5720", "hors_ess", 0.060, "company", "single", "tiny"),
    LegalForm("5599", "hors_ess", 0.010, "company", "network", "large"),
    LegalForm("6540", "hors_ess", 0.080, "sci", "single", "tiny"),
    LegalForm("7210", "hors_ess", 0.010, "public", "public", "large"),
    LegalForm("7361", "hors_ess", 0.007, "public_social", "single", "company"),
    LegalForm("7346", "hors_ess", 0.002, "public", "public", "large"),
    LegalForm("7410", "hors_ess", 0.003, "public", "single", "company"),
)

# Activity profiles: NAF rév. 2 sous-classes (checked against the INSEE nomenclature by a test).
# fmt: off
ACTIVITIES: dict[str, dict[str, float]] = {
    "association": {
        "94.99Z": 0.42, "93.12Z": 0.09, "88.99B": 0.07, "85.59A": 0.05, "90.01Z": 0.04,
        "93.29Z": 0.04, "85.59B": 0.03, "88.10B": 0.03, "88.91A": 0.03, "93.19Z": 0.03,
        "90.04Z": 0.02, "90.02Z": 0.02, "88.99A": 0.02, "87.90B": 0.02, "94.12Z": 0.02,
        "94.91Z": 0.02, "55.20Z": 0.01, "94.11Z": 0.01, "94.20Z": 0.01, "86.90D": 0.01,
        "91.02Z": 0.01,
    },
    "insertion": {
        "88.99B": 0.35, "81.30Z": 0.2, "38.11Z": 0.1, "78.20Z": 0.15, "81.21Z": 0.1,
        "96.01B": 0.1,
    },
    "cooperative": {
        "43.21A": 0.1, "41.20A": 0.08, "62.01Z": 0.1, "71.12B": 0.08, "56.10A": 0.08,
        "70.22Z": 0.1, "49.41A": 0.06, "85.59A": 0.08, "47.11F": 0.06, "58.14Z": 0.05,
        "74.10Z": 0.06, "88.99B": 0.05, "35.11Z": 0.05, "68.20A": 0.05,
    },
    "agricultural": {
        "01.61Z": 0.3, "46.21Z": 0.25, "10.51A": 0.1, "11.02B": 0.15, "01.11Z": 0.1,
        "46.61Z": 0.1,
    },
    "bank": {"64.19Z": 0.85, "64.92Z": 0.1, "66.19B": 0.05},
    "mutuelle": {
        "65.12Z": 0.5, "65.11Z": 0.12, "86.10Z": 0.1, "86.23Z": 0.08, "47.78A": 0.08,
        "88.10A": 0.06, "86.21Z": 0.06,
    },
    "fondation": {
        "94.99Z": 0.35, "72.19Z": 0.15, "88.99B": 0.15, "87.10A": 0.1, "86.10Z": 0.1,
        "85.42Z": 0.05, "91.02Z": 0.1,
    },
    "commercial_ess": {
        "62.01Z": 0.12, "70.22Z": 0.15, "38.32Z": 0.1, "56.10A": 0.1, "88.99B": 0.08,
        "47.79Z": 0.08, "43.99C": 0.07, "81.21Z": 0.08, "85.59A": 0.08, "96.09Z": 0.06,
        "35.11Z": 0.08,
    },
    "individual": {
        "43.22A": 0.07, "43.32A": 0.06, "47.89Z": 0.06, "49.32Z": 0.06, "56.10C": 0.05,
        "62.02A": 0.07, "70.22Z": 0.1, "74.10Z": 0.06, "85.59B": 0.06, "86.90E": 0.05,
        "90.03A": 0.06, "96.02A": 0.07, "01.50Z": 0.04, "47.91B": 0.05, "68.20A": 0.05,
        "96.09Z": 0.09,
    },
    "company": {
        "41.20A": 0.06, "43.21A": 0.07, "45.20A": 0.06, "46.90Z": 0.06, "47.11B": 0.05,
        "56.10A": 0.08, "62.01Z": 0.08, "68.31Z": 0.06, "70.10Z": 0.08, "70.22Z": 0.1,
        "71.12B": 0.06, "73.11Z": 0.05, "82.99Z": 0.05, "96.02A": 0.05, "47.71Z": 0.09,
    },
    "sci": {"68.20B": 0.85, "68.20A": 0.1, "68.32A": 0.05},
    "public": {"84.11Z": 0.75, "84.12Z": 0.05, "85.20Z": 0.08, "91.01Z": 0.06, "93.11Z": 0.06},
    "public_social": {"88.99B": 0.6, "88.10A": 0.25, "87.30A": 0.15},
}
# fmt: on

# Establishments per legal unit: (P(1), P(2..50) with weights ∝ 1/k², P(100..800) uniform).
# Large networks are capped at 1 % of the requested establishments so that a small perimeter is
# not made of one network.
SITES: dict[str, tuple[float, float, float]] = {
    "single": (0.97, 0.03, 0.0),
    "company": (0.85, 0.1495, 0.0005),
    "association": (0.88, 0.11995, 0.00005),
    "network": (0.55, 0.445, 0.005),
    "public": (0.5, 0.495, 0.005),
}
SMALL_SITES = np.arange(2, 51)
SMALL_WEIGHTS = 1.0 / SMALL_SITES.astype(float) ** 2
SMALL_WEIGHTS /= SMALL_WEIGHTS.sum()
NETWORK_SITES = (100, 800)

# Workforce bands (domain.md §4.4) of an active establishment, by profile. Closed
# establishments have an empty band (85 %) or NN. "" = band unknown (not filled by INSEE).
BANDS: tuple[str, ...] = (
    "", "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51",
    "52", "53",
)  # fmt: skip
WORKFORCE: dict[str, tuple[float, ...]] = {
    "tiny": (0.55, 0.4, 0.01, 0.03, 0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "association": (
        0.45, 0.35, 0.02, 0.07, 0.04, 0.03, 0.02, 0.012, 0.005, 0.002, 0.0005, 0.0005,
        0, 0, 0, 0, 0,
    ),
    "company": (
        0.3, 0.3, 0.03, 0.14, 0.09, 0.06, 0.04, 0.025, 0.008, 0.004, 0.001, 0.001, 0.0005,
        0.0002, 0.0001, 0, 0,
    ),
    "large": (
        0.2, 0.15, 0.03, 0.12, 0.12, 0.1, 0.1, 0.08, 0.05, 0.025, 0.01, 0.01, 0.005, 0.002,
        0.001, 0.0005, 0.0002,
    ),
}  # fmt: skip

# Legal-unit administrative state: probability that the unit has ceased (C), by family. An active
# unit's secondary establishments are closed with CLOSED_SECONDARY; overall ≈ 40 % F.
CEASED = {"hors_ess": 0.4, "association": 0.3, "default": 0.25}
CLOSED_SECONDARY = 0.4
PARTIAL_DIFFUSION = 0.02
SAME_COMMUNE_AS_HEAD_OFFICE = 0.5
MEAN_AGE_YEARS = 14.0  # exponential age of creation dates, truncated to 1950

STREET_TYPES = {
    "RUE": 0.45, "AV": 0.12, "BD": 0.06, "PL": 0.05, "CHE": 0.08, "RTE": 0.07, "IMP": 0.04,
    "ALL": 0.04, "QUAI": 0.02, "LD": 0.03, "CRS": 0.01, "ZA": 0.02, "SQ": 0.01,
}  # fmt: skip
STREET_NAMES = (
    "DES TILLEULS", "DE LA GARE", "DU MOULIN", "DES ECOLES", "DE L EGLISE", "DES LILAS",
    "DU STADE", "DE LA REPUBLIQUE", "DES ACACIAS", "DU CHATEAU", "DE LA LIBERTE", "DES PRES",
    "DU PORT", "DE LA FONTAINE", "DES VIGNES", "DU LAVOIR", "DES CERISIERS", "DE LA MAIRIE",
    "DES PEUPLIERS", "DU COMMERCE", "DES ROSES", "DU BOIS JOLI", "DES ARTISANS", "DU PUITS",
    "DE LA CROIX BLANCHE", "DES GRANDS CHAMPS", "DU VIEUX PONT", "DES MARAIS", "DU VERGER",
    "DES CHARMILLES", "DE LA PAIX", "DU CANAL", "DES HORTENSIAS", "DE LA COLLINE",
    "DES SOURCES", "DU PARC", "DES MOUETTES", "DU BOCAGE", "DE LA FORGE", "DES SABLONS",
)  # fmt: skip
ADDRESS_COMPLEMENTS = (
    "BATIMENT A", "BATIMENT B", "RESIDENCE LES PINS", "ZA DES ETANGS", "ZI NORD",
    "CENTRE COMMERCIAL", "ESPACE ASSOCIATIF", "MAISON DES ASSOCIATIONS",
)  # fmt: skip

# Name of a legal unit: « HEAD TOPIC » (sometimes « … DE <COMMUNE> »), or « HEAD DE <COMMUNE> »
# for the public bodies of PLACE_NAMED. Heads by catégorie juridique, associations by default.
NAME_HEADS: dict[str, tuple[str, ...]] = {
    "association": (
        "ASSOCIATION", "AMICALE", "CLUB", "COMITE", "UNION", "CERCLE", "FOYER", "COLLECTIF",
        "ECOLE DE MUSIQUE", "COMPAGNIE",
    ),
    "5458": ("SCOP",), "5460": ("COOPERATIVE", "SCIC"), "5560": ("SCIC", "COOPERATIVE"),
    "6317": ("COOPERATIVE AGRICOLE",), "6316": ("CUMA",),
    "5191": ("SOCIETE DE CAUTION MUTUELLE",), "5192": ("BANQUE POPULAIRE",),
    "5194": ("CAISSE DE CREDIT MUTUEL",), "5196": ("CAISSE D EPARGNE",),
    "8210": ("MUTUELLE", "MUTUELLE GENERALE"), "6411": ("ASSURANCE MUTUELLE",),
    "8290": ("UNION MUTUALISTE",), "9300": ("FONDATION",),
    "5710": ("SAS", "GROUPE"), "5499": ("SARL", "ETS"), "5498": ("EURL",), "5720": ("SASU",),
    "5599": ("SA", "GROUPE"), "6540": ("SCI",),
    "7210": ("COMMUNE",), "7361": ("CCAS",), "7346": ("COMMUNAUTE DE COMMUNES",),
    "7410": ("GIP",),
}  # fmt: skip
PLACE_NAMED = ("7210", "7361", "7346")
NAME_TOPICS = (
    "SPORTIVE", "CULTURELLE", "DES PARENTS D ELEVES", "DU PATRIMOINE", "SOLIDAIRE",
    "DES JARDINS PARTAGES", "D AIDE A DOMICILE", "DE L AMITIE", "DU BOCAGE", "DES TROIS RIVIERES",
    "LES CIGALES", "LE LIEN", "L ESCALE", "TERRE ET MER", "LES COPAINS D ABORD", "HORIZONS",
    "DU VAL", "DES COTEAUX", "ENERGIES CITOYENNES", "LA RESSOURCERIE", "LES BATISSEURS",
    "ATLANTIQUE", "DES ARTS", "DU NUMERIQUE", "DE LA VALLEE", "LES SAVEURS", "RIVE GAUCHE",
)  # fmt: skip
SHOP_SIGNS = ("L ATELIER", "LE COMPTOIR", "AU BON ACCUEIL", "LA BOUTIQUE", "L EPICERIE")

# Natural persons (CJ 1000): the real file carries their identity; the synthetic one carries
# obvious placeholders so that nobody mistakes them for people (the importer must not read them).
FAKE_PERSON = "SYNTH"


def normalised(weights: dict[str, float] | tuple[float, ...]) -> np.ndarray:
    values = np.array(list(weights.values()) if isinstance(weights, dict) else weights, float)
    return values / values.sum()


def mean_sites(profile: str, cap: int) -> float:
    single, small, network = SITES[profile]
    low, high = NETWORK_SITES
    network_mean = (min(low, cap) + min(high, cap)) / 2
    return single + small * float((SMALL_SITES * SMALL_WEIGHTS).sum()) + network * network_mean
