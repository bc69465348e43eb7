"""Thematic fields of the observatory (essor.ess.themes.Theme): which establishments each one
counts.

An active ESS establishment is in a field when:
1. its own activity (activitePrincipaleEtablissement, NAF rév. 2 only) starts with one of the
   field's NAF codes (`ThemeNafCode`, any level from the division « 38 » to the sub-class
   « 47.79Z »; a group « 33.1 » takes every class and sub-class under it);
2. or its legal unit carries a manual tag for the field (`ThemeTag`, set by an agent through
   essor.observatory.actions, audited);
3. or, for « insertion » only, its legal unit is a SIAE (LegalUnit.siae_kind, from the ASP list).

Fields are NOT additive: an establishment may be in several fields, or in none; the table of
fields never has a total row.

The NAF lists are a DEFAULT (the table below, seeded by the data migration
`observatory 0002`) that each instance edits in the admin (« Codes NAF des champs
thématiques »). Editing a code or adding a tag marks the pre-computed indicators stale: the
fields' figures are then read straight from the detail tables until `essor indicators compute`
runs again (see essor.observatory.read).

Choices of the default table (a starting point, to be discussed with each collectivité):
- économie circulaire: 38 (collecte, traitement et récupération des déchets), 39 (dépollution),
  33.1 (réparation d'ouvrages en métaux, de machines et d'équipements), 95.1 and 95.2
  (réparation d'ordinateurs et de biens personnels: recycleries, repair cafés), 46.77Z (commerce
  de gros de déchets et débris), 47.79Z (commerce de détail de biens d'occasion: ressourceries),
  77.29Z (location d'autres biens personnels);
- alimentation durable: 01 (culture et élevage), 03 (pêche et aquaculture), 10 (industries
  alimentaires), 46.3 (commerce de gros alimentaire), 47.2 (commerce de détail alimentaire
  spécialisé), 47.11 (commerce alimentaire non spécialisé: épiceries, coopératives de
  consommateurs), 56.29A (restauration collective sous contrat);
- habitat durable: 41.2 (construction de bâtiments), 43 (travaux de construction spécialisés:
  rénovation), 68.20A (location de logements), 71.11Z (architecture);
- numérique responsable et solidaire: 58.2 (édition de logiciels), 62 (programmation, conseil
  informatique), 63.1 (traitement de données, hébergement, portails);
- insertion: 78.20Z (activités des agences de travail temporaire: ETTI), 88.10C (aide par le
  travail: ESAT), plus every SIAE;
- culture: 58.11Z (édition de livres), 59 (cinéma, vidéo, musique enregistrée), 60
  (programmation et diffusion), 90 (création artistique, spectacle vivant), 91 (bibliothèques,
  archives, musées), 85.52Z (enseignement culturel);
- mobilité: 49.3 (autres transports terrestres de voyageurs), 77.1 (location de véhicules
  automobiles), 45.2 (entretien et réparation de véhicules: garages solidaires), 77.21Z
  (location d'articles de loisirs et de sport: vélos);
- énergie: 35 (production et distribution d'électricité, de gaz, de vapeur et d'air
  conditionné: coopératives d'énergie citoyenne), 43.21A (travaux d'installation électrique);
- finance solidaire: 64.19Z (autres intermédiations monétaires: banques coopératives), 64.92Z
  (autre distribution de crédit: microcrédit), 64.30Z (fonds de placement), 64.99Z (autres
  activités des services financiers), 66.19B (autres activités auxiliaires de services
  financiers).
"""

from essor.ess.themes import Theme

DEFAULT_THEME_NAF: dict[str, list[str]] = {
    Theme.CIRCULAR: ["38", "39", "33.1", "95.1", "95.2", "46.77Z", "47.79Z", "77.29Z"],
    Theme.FOOD: ["01", "03", "10", "46.3", "47.2", "47.11", "56.29A"],
    Theme.HOUSING: ["41.2", "43", "68.20A", "71.11Z"],
    Theme.DIGITAL: ["58.2", "62", "63.1"],
    Theme.INSERTION: ["78.20Z", "88.10C"],
    Theme.CULTURE: ["58.11Z", "59", "60", "90", "91", "85.52Z"],
    Theme.MOBILITY: ["49.3", "77.1", "45.2", "77.21Z"],
    Theme.ENERGY: ["35", "43.21A"],
    Theme.FINANCE: ["64.19Z", "64.92Z", "64.30Z", "64.99Z", "66.19B"],
}
THEME_ORDER = [theme.value for theme in Theme]


def theme_label(value: str) -> str:
    return str(Theme(value).label)
