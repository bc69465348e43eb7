"""The default grid: « Caractérisation de l'innovation sociale (orientations CSESS 2017) ».

The three categories and the four quick questions follow the CSESS orientations of February 2017
(docs/domain.md §2.2). The detailed official criteria are not in our sources: the criteria below
were written by essor, as editable landmarks, and say so in the grid's description.
`ensure_default_grid` is idempotent; it runs after `migrate` (apps.py) and from the
`load_default_grid` command.

The texts below are the initial content of a grid stored in the database and editable in the
admin (data, not interface strings): they are written in French and not passed through gettext.
"""

from django.db import transaction

from essor.innovation import actions
from essor.innovation.models import Grid, GridVersion

SLUG = "innovation-sociale-csess-2017"
NAME = "Caractérisation de l'innovation sociale (orientations CSESS 2017)"
EDITABLE_NOTICE = (
    "Critères rédigés par essor, modifiables — les critères détaillés officiels du CSESS ne "
    "figurent pas dans nos sources."
)
DESCRIPTION = (
    "Grille construite sur les trois catégories et les quatre questions rapides des orientations "
    "du Conseil supérieur de l'ESS (février 2017, article 15 III de la loi ESS). "
    + EDITABLE_NOTICE
    + " Les critères ne sont pas hiérarchisés : ce sont des points de repère pour décrire un "
    "projet, pas un barème d'admission."
)

SCALE = [
    {"value": 0, "label": "Absent ou non démontré"},
    {"value": 1, "label": "Esquissé, encore peu étayé"},
    {"value": 2, "label": "En bonne partie présent"},
    {"value": 3, "label": "Pleinement présent et étayé"},
]

QUESTIONS = [
    "Le projet répond-il à un besoin social non satisfait ou mal satisfait ?",
    "Le projet a-t-il un caractère expérimental, avec une part de risque assumée ?",
    "Le projet associe-t-il les personnes et les acteurs concernés ?",
    "Le projet produit-il d'autres effets positifs ?",
]

# (title, description, [(label, guidance, required), …])
CATEGORIES = [
    (
        "Besoins sociaux et implication des acteurs",
        "À quel besoin le projet répond, pour qui, et avec qui il a été construit.",
        [
            (
                "Le besoin social est décrit et documenté",
                "Qui est concerné, combien de personnes, sur quel territoire ? Le porteur "
                "s'appuie sur des éléments vérifiables : diagnostic local, chiffres, "
                "témoignages, demandes remontées par des partenaires.",
                True,
            ),
            (
                "Le besoin est peu ou mal couvert aujourd'hui",
                "Le porteur a regardé ce qui existe déjà (offre privée, services publics, "
                "associations) et montre ce qui manque : absence d'offre, offre trop chère, "
                "inaccessible ou inadaptée à certains publics.",
                True,
            ),
            (
                "Les personnes concernées participent à la construction du projet",
                "Usagers, habitants ou bénéficiaires sont consultés et, mieux, associés aux "
                "choix : ateliers, enquêtes, tests avec eux, place dans un comité.",
                True,
            ),
            (
                "Le projet s'appuie sur des coopérations locales",
                "Partenariats avec d'autres structures de l'ESS, des entreprises, des "
                "collectivités, des chercheurs ; le rôle de chacun est précisé.",
                False,
            ),
            (
                "Les parties prenantes ont une place dans les décisions",
                "Salariés, bénévoles, usagers ou partenaires prennent part à la gouvernance, "
                "au-delà du seul apport en capital.",
                False,
            ),
        ],
    ),
    (
        "Autres effets positifs",
        "Ce que le projet apporte au-delà de la réponse au besoin principal.",
        [
            (
                "Effets sur l'emploi et la qualité du travail",
                "Emplois créés ou consolidés sur le territoire, accessibles à des personnes "
                "éloignées de l'emploi, conditions de travail et formation.",
                False,
            ),
            (
                "Effets sur l'environnement",
                "Réduction des déchets ou des déplacements, réemploi, sobriété, circuits courts : "
                "le porteur les décrit et, si possible, les mesure.",
                False,
            ),
            (
                "Lien social et cohésion du territoire",
                "Le projet crée des rencontres, de l'entraide, rapproche des publics ou des "
                "quartiers qui se côtoient peu.",
                False,
            ),
            (
                "Le projet peut essaimer ou inspirer",
                "La solution peut être reprise ailleurs ou par d'autres ; le porteur documente sa "
                "démarche et la partage.",
                False,
            ),
            (
                "Effets sur les pratiques d'autres acteurs",
                "Le projet fait évoluer les façons de faire d'entreprises, d'associations ou de "
                "services publics, ou nourrit une politique publique.",
                False,
            ),
        ],
    ),
    (
        "Expérimentation et prise de risque",
        "Ce qui est nouveau, ce qui est testé et les incertitudes que le porteur accepte.",
        [
            (
                "La réponse est nouvelle pour ce territoire ou ce public",
                "La nouveauté est relative : un produit, un service, une organisation du travail "
                "ou un mode de financement peut exister ailleurs et être nouveau ici.",
                True,
            ),
            (
                "La démarche d'expérimentation est organisée",
                "Hypothèses à vérifier, étapes, durée du test, points d'étape où le projet peut "
                "être ajusté.",
                False,
            ),
            (
                "Les risques sont identifiés et assumés",
                "Incertitudes d'usage, techniques, économiques ou réglementaires nommées, avec "
                "ce que le porteur prévoit pour y faire face.",
                False,
            ),
            (
                "L'évaluation des résultats est prévue",
                "Indicateurs, méthode, calendrier et, si possible, regard extérieur pour savoir "
                "si le projet atteint ses objectifs sociaux.",
                False,
            ),
            (
                "Le modèle économique est réfléchi",
                "Le porteur explique comment il combine ses ressources (ventes, subventions, "
                "mécénat, bénévolat) et comment il compte pérenniser l'activité.",
                False,
            ),
        ],
    ),
]


def current_version(grid: Grid) -> GridVersion | None:
    """The latest published version of `grid`."""
    return grid.versions.filter(published_at__isnull=False).order_by("-number").first()


def default_version() -> GridVersion | None:
    """The current version of the instance's default grid (or of the CSESS grid)."""
    grid = Grid.objects.filter(is_default=True).first() or Grid.objects.filter(slug=SLUG).first()
    return current_version(grid) if grid else None


@transaction.atomic
def ensure_default_grid(*, actor=None, source: str = "command:load_default_grid") -> GridVersion:
    """Creates and publishes the default grid unless it exists; returns its current version."""
    grid = Grid.objects.select_for_update().filter(slug=SLUG).first()
    if grid is not None:
        version = current_version(grid)
        if version is not None:
            return version
        version = grid.versions.order_by("-number").first()
    else:
        grid = actions.create_grid(
            name=NAME,
            slug=SLUG,
            description=DESCRIPTION,
            is_default=not Grid.objects.filter(is_default=True).exists(),
            actor=actor,
            source=source,
        )
        version = grid.versions.get()
    if not version.categories.exists():
        _fill(version, actor=actor, source=source)
    return actions.publish_version(version, actor=actor, source=source)


def _fill(version: GridVersion, *, actor, source: str) -> None:
    version.notes = EDITABLE_NOTICE
    version.save(update_fields=["notes"])
    for text in QUESTIONS:
        actions.add_question(version, text=text, actor=actor, source=source)
    for title, description, criteria in CATEGORIES:
        category = actions.add_category(
            version, title=title, description=description, actor=actor, source=source
        )
        for label, guidance, required in criteria:
            actions.add_criterion(
                category,
                label=label,
                guidance=guidance,
                scale=[dict(level) for level in SCALE],
                weight=1,
                required=required,
                actor=actor,
                source=source,
            )
