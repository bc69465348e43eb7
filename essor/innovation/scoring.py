"""Scores of assessments, as pure functions over plain values (no ORM in the maths).

- Weighted score of one assessment: sum(value × weight) / sum(max × weight), as a 0–100 percentage,
  over the criteria that were scored. Criteria left unscored (allowed when not required) are
  left out of both sums, so they neither lower nor raise the score; `answered` / `total` say
  how much of the grid the score covers.
- Per-category subtotals: the same formula restricted to one category.
- Across several assessments of one subject (e.g. the reviewers of an application): mean, range
  (max − min) and population standard deviation of their weighted scores.

`items_from_assessment` and `score_assessment` read an Assessment from the database and feed the
pure functions; the self-diagnosis builds `ScoredItem`s from a form without touching the database.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ScoredItem:
    """One criterion of a grid version and the value given to it (None: not scored)."""

    criterion_id: int
    category_id: int
    max_value: int
    weight: Decimal
    value: int | None = None


@dataclass(frozen=True)
class AssessmentScore:
    total: float | None  # 0–100, None when nothing scorable was scored
    by_category: dict[int, float | None]  # category id → 0–100 or None
    answered: int
    criteria: int


@dataclass(frozen=True)
class Spread:
    count: int
    mean: float | None
    minimum: float | None
    maximum: float | None
    range: float | None  # max − min
    stdev: float | None  # population standard deviation


@dataclass(frozen=True)
class SubjectScore:
    """Several assessments of one subject, summarised (committee ranking)."""

    total: Spread
    by_category: dict[int, Spread] = field(default_factory=dict)


def weighted_score(items: Iterable[ScoredItem]) -> float | None:
    """sum(value × weight) / sum(max × weight) × 100 over scored items; None if none counts."""
    got = Decimal(0)
    best = Decimal(0)
    for item in items:
        if item.value is None or item.max_value <= 0:
            continue
        got += Decimal(item.value) * Decimal(item.weight)
        best += Decimal(item.max_value) * Decimal(item.weight)
    if best <= 0:
        return None
    return float(got * 100 / best)


def category_subtotals(items: Iterable[ScoredItem]) -> dict[int, float | None]:
    """{category id: weighted score of that category's items} (None when none was scored)."""
    groups: dict[int, list[ScoredItem]] = {}
    for item in items:
        groups.setdefault(item.category_id, []).append(item)
    return {category_id: weighted_score(group) for category_id, group in groups.items()}


def summarise(items: Sequence[ScoredItem]) -> AssessmentScore:
    return AssessmentScore(
        total=weighted_score(items),
        by_category=category_subtotals(items),
        answered=sum(1 for item in items if item.value is not None),
        criteria=len(items),
    )


def spread(values: Iterable[float | None]) -> Spread:
    """Mean, min, max, range and population standard deviation of the values that are not None."""
    numbers = [float(v) for v in values if v is not None]
    if not numbers:
        return Spread(0, None, None, None, None, None)
    low, high = min(numbers), max(numbers)
    return Spread(
        count=len(numbers),
        mean=statistics.fmean(numbers),
        minimum=low,
        maximum=high,
        range=high - low,
        stdev=statistics.pstdev(numbers),
    )


def combine(scores: Iterable[AssessmentScore]) -> SubjectScore:
    """Summarises several assessments of one subject: spread of totals and of each category."""
    scores = list(scores)
    categories = sorted({cid for score in scores for cid in score.by_category})
    return SubjectScore(
        total=spread(score.total for score in scores),
        by_category={
            cid: spread(score.by_category.get(cid) for score in scores) for cid in categories
        },
    )


def rank(subjects: dict) -> list[tuple]:
    """[(key, SubjectScore)] sorted by mean total, best first; subjects without score last."""
    return sorted(
        subjects.items(),
        key=lambda pair: (pair[1].total.mean is None, -(pair[1].total.mean or 0)),
    )


# --- Database adapters -------------------------------------------------------------------------


def items_for_version(version, values: dict[int, int | None] | None = None) -> list[ScoredItem]:
    """One ScoredItem per criterion of `version`, with the value from `values` (criterion id →
    value) when given."""
    from essor.innovation.models import Criterion

    values = values or {}
    criteria = Criterion.objects.filter(category__version=version).order_by(
        "category__position", "position", "pk"
    )
    return [
        ScoredItem(
            criterion_id=c.pk,
            category_id=c.category_id,
            max_value=c.max_value,
            weight=c.weight,
            value=values.get(c.pk),
        )
        for c in criteria
    ]


def items_from_assessment(assessment) -> list[ScoredItem]:
    values = dict(assessment.scores.values_list("criterion_id", "value"))
    return items_for_version(assessment.version, values)


def score_assessment(assessment) -> AssessmentScore:
    """Weighted total and per-category subtotals of one saved Assessment."""
    return summarise(items_from_assessment(assessment))


def score_subject(assessments: Iterable) -> SubjectScore:
    """Mean and spread across several saved Assessments of the same subject."""
    return combine(score_assessment(a) for a in assessments)
