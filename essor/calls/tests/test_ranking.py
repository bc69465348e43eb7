from decimal import Decimal

import pytest

from essor.calls import ranking
from essor.calls.actions import instruction, reviews
from essor.calls.enums import ApplicationState as S
from essor.calls.tests import factories as f

pytestmark = pytest.mark.django_db


def reviewed(people, call, applicant, values: dict[str, int]):
    application = f.admissible(call, people[applicant], people["agent"])
    for name, value in values.items():
        instruction.assign_reviewer(application, people[name], actor=people["agent"])
        instruction.declare_conflict(application, has_conflict=False, actor=people[name])
        reviews.save_review(
            application, f.full_scores(call.grid_version, value), actor=people[name]
        )
    return application


def test_committee_ranks_by_mean_score_with_the_spread_between_reviewers(people, call):
    low = reviewed(people, call, "applicant", {"reviewer": 0, "other_reviewer": 1})
    high = reviewed(people, call, "other_applicant", {"reviewer": 99, "other_reviewer": 0})
    rows = ranking.rank_applications(call)
    assert [r.application.pk for r in rows] == [high.pk, low.pk]
    top = rows[0]
    assert top.assessments == top.reviewers == 2
    assert top.score.total.mean == pytest.approx(50.0)
    assert top.score.total.range == pytest.approx(100.0)
    assert top.score.total.minimum == 0 and top.score.total.maximum == 100


def test_a_conflicted_reviewer_does_not_count(people, call):
    application = reviewed(people, call, "applicant", {"reviewer": 99})
    instruction.assign_reviewer(application, people["other_reviewer"], actor=people["agent"])
    instruction.declare_conflict(
        application, has_conflict=True, text="Ancien salarié", actor=people["other_reviewer"]
    )
    (row,) = ranking.rank_applications(call)
    assert (row.assessments, row.reviewers) == (1, 2)
    assert row.mean == pytest.approx(100.0)


def test_envelope_counts_proposed_then_granted_amounts(people, call):
    application = reviewed(people, call, "applicant", {"reviewer": 2})
    instruction.close_reviews(application, actor=people["agent"])
    instruction.send_to_committee(application, actor=people["agent"], amount_proposed="30000")
    assert ranking.envelope(call).proposed == Decimal("30000")
    instruction.decide_application(
        application, decision=S.ACCEPTED, amount_granted="25000", actor=people["admin"]
    )
    envelope = ranking.envelope(call)
    assert (envelope.proposed, envelope.granted, envelope.remaining) == (
        Decimal("25000"),
        Decimal("25000"),
        Decimal("75000"),
    )
    assert envelope.proposed_share == pytest.approx(25.0)


def test_the_committee_page_reads_a_fixed_number_of_queries(
    client, people, call, django_assert_max_num_queries, settings
):
    settings.ROOT_URLCONF = "essor.calls.tests.urls"
    for applicant in ("applicant", "other_applicant"):
        reviewed(people, call, applicant, {"reviewer": 1, "other_reviewer": 2})
    client.force_login(people["agent"])
    with django_assert_max_num_queries(15):
        response = client.get(f"/appels/gestion/appel/{call.slug}/comite/")
    assert response.status_code == 200
