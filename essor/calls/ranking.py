"""The committee view: applications ranked by mean weighted score across reviewers, with the
spread between reviewers and the share of the envelope consumed by the proposed amounts."""

from dataclasses import dataclass, replace
from decimal import Decimal

from essor.calls.enums import ApplicationState as S
from essor.calls.models import Application, Call, ReviewerAssignment
from essor.innovation.models import Category
from essor.innovation.scoring import (
    AssessmentScore,
    SubjectScore,
    combine,
    items_for_version,
    rank,
    summarise,
)

RANKED_STATES = (S.REVIEWING, S.REVIEWED, S.COMMITTEE, S.ACCEPTED, S.REFUSED)
CONSUMING_STATES = (S.REVIEWED, S.COMMITTEE, S.ACCEPTED)


@dataclass(frozen=True)
class RankedApplication:
    rank: int
    application: Application
    score: SubjectScore
    reviewers: int
    assessments: int

    @property
    def mean(self) -> float | None:
        return self.score.total.mean


@dataclass(frozen=True)
class Envelope:
    total: Decimal
    proposed: Decimal
    granted: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.total - self.proposed

    @property
    def proposed_share(self) -> float | None:
        return float(self.proposed / self.total * 100) if self.total else None


def _score(template, assessment) -> AssessmentScore:
    """innovation's weighted score, with the grid read once per call instead of per assessment."""
    values = {score.criterion_id: score.value for score in assessment.scores.all()}
    return summarise([replace(item, value=values.get(item.criterion_id)) for item in template])


def rank_applications(call: Call) -> list[RankedApplication]:
    applications = list(
        Application.objects.filter(call=call, state__in=RANKED_STATES).order_by("pk")
    )
    assignments = ReviewerAssignment.objects.filter(application__call=call).prefetch_related(
        "assessment__scores"
    )
    template = items_for_version(call.grid_version) if call.grid_version else []
    by_application: dict[int, list] = {}
    counts: dict[int, int] = {}
    for assignment in assignments:
        counts[assignment.application_id] = counts.get(assignment.application_id, 0) + 1
        if assignment.assessment is not None and assignment.has_conflict is False:
            by_application.setdefault(assignment.application_id, []).append(
                _score(template, assignment.assessment)
            )
    by_pk = {application.pk: application for application in applications}
    scored = rank({pk: combine(by_application.get(pk, [])) for pk in by_pk})
    return [
        RankedApplication(
            rank=index,
            application=by_pk[pk],
            score=score,
            reviewers=counts.get(pk, 0),
            assessments=score.total.count,
        )
        for index, (pk, score) in enumerate(scored, start=1)
    ]


def envelope(call: Call) -> Envelope:
    proposed = granted = Decimal(0)
    for application in Application.objects.filter(call=call, state__in=CONSUMING_STATES):
        if application.state == S.ACCEPTED:
            granted += application.amount_granted or 0
            proposed += application.amount_granted or 0
        else:
            proposed += application.amount_proposed or 0
    return Envelope(total=call.envelope, proposed=proposed, granted=granted)


def categories(call: Call) -> list[Category]:
    if call.grid_version is None:
        return []
    return list(call.grid_version.categories.order_by("position", "pk"))
