"""A plain-French reading of a self-diagnosis: a profile per category, never a verdict.

The CSESS criteria are not ranked: they are landmarks. So the reading describes where the project
is strong and what remains to document, category by category; it does not turn one number into
« innovant » / « pas innovant ».
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from essor.innovation.forms import QUICK_CHOICES
from essor.innovation.scoring import ScoredItem, category_subtotals

ANSWERS = ("oui", "en_partie", "non")
LOW = 100 / 3
HIGH = 200 / 3


@dataclass(frozen=True)
class CategoryReading:
    title: str
    percent: int | None
    band: str
    strengths: list[str]
    to_work_on: list[str]
    unanswered: int


@dataclass(frozen=True)
class QuestionReading:
    text: str
    answer: str
    answer_label: str
    met: bool | None  # True: oui, None: en partie, False: non


def band(percent: float | None) -> str:
    if percent is None:
        return _("non renseignée")
    if percent < LOW:
        return _("peu marquée à ce stade")
    if percent < HIGH:
        return _("en partie présente")
    return _("affirmée")


def read_categories(categories, items: list[ScoredItem]) -> list[CategoryReading]:
    """`categories`: Category objects with their criteria; `items`: the values given."""
    subtotals = category_subtotals(items)
    by_id = {item.criterion_id: item for item in items}
    readings = []
    for category in categories:
        criteria = list(category.criteria.all())
        strengths, to_work_on, unanswered = [], [], 0
        for criterion in criteria:
            item = by_id.get(criterion.pk)
            if item is None or item.value is None:
                unanswered += 1
            elif item.value >= item.max_value:
                strengths.append(criterion.label)
            elif item.value * 3 < item.max_value * 2:
                to_work_on.append(criterion.label)
        percent = subtotals.get(category.pk)
        readings.append(
            CategoryReading(
                title=category.title,
                percent=None if percent is None else round(percent),
                band=band(percent),
                strengths=strengths,
                to_work_on=to_work_on,
                unanswered=unanswered,
            )
        )
    return readings


def read_questions(questions, answers: dict[str, str]) -> list[QuestionReading]:
    labels = dict(QUICK_CHOICES)
    met = {"oui": True, "en_partie": None, "non": False}
    return [
        QuestionReading(
            text=q.text,
            answer=answers.get(str(q.pk), ""),
            answer_label=str(labels.get(answers.get(str(q.pk)), _("Sans réponse"))),
            met=met.get(answers.get(str(q.pk))),
        )
        for q in questions
    ]


def overview(questions: list[QuestionReading], categories: list[CategoryReading]) -> list[str]:
    """Paragraphs that put the profile into words."""
    counts = {answer: sum(1 for q in questions if q.answer == answer) for answer in ANSWERS}
    paragraphs = [
        _(
            "Questions rapides : %(oui)d « oui », %(en_partie)d « en partie » et %(non)d « non » "
            "sur %(total)d. Chacune renvoie à un aspect de l'innovation sociale ; un « non » "
            "signale un point à expliquer plutôt qu'un motif d'exclusion."
        )
        % {**counts, "total": len(questions)}
    ]
    strong = [c.title for c in categories if c.percent is not None and c.percent >= HIGH]
    weak = [c.title for c in categories if c.percent is not None and c.percent < LOW]
    if strong:
        paragraphs.append(
            _("Le caractère socialement innovant du projet s'appuie surtout sur : %s.")
            % ", ".join(s.lower() for s in strong)
        )
    if weak:
        paragraphs.append(
            _(
                "À approfondir ou à mieux documenter : %s. Cela ne disqualifie pas le projet : "
                "c'est là que des éléments supplémentaires aideront un financeur à le comprendre."
            )
            % ", ".join(w.lower() for w in weak)
        )
    paragraphs.append(
        _(
            "Ce diagnostic ne rend pas de verdict. Les critères ne sont pas hiérarchisés : ce sont "
            "des points de repère, et aucun chiffre unique ne dit à lui seul si un projet est "
            "socialement innovant. Un financeur regarde l'ensemble du profil, le territoire et le "
            "contexte : une réponse peut être nouvelle ici tout en existant ailleurs."
        )
    )
    return paragraphs


def diagnosis_context(version, values: dict[int, int | None], answers: dict[str, str]) -> dict:
    """Everything the result page shows, from the version and the answers given."""
    from essor.innovation.scoring import items_for_version

    categories = list(version.categories.order_by("position", "pk").prefetch_related("criteria"))
    questions_ = read_questions(version.questions.order_by("position", "pk"), answers)
    categories_ = read_categories(categories, items_for_version(version, values))
    return {
        "version": version,
        "questions": questions_,
        "categories": categories_,
        "overview": overview(questions_, categories_),
    }
