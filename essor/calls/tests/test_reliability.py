"""Deadline at the exact second, optimistic lock on drafts, concurrent reviewers, resumed drafts."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from essor.calls.actions import applications as app_actions
from essor.calls.actions import instruction, reviews
from essor.calls.enums import ApplicationState as S
from essor.calls.tests import factories as f
from essor.innovation.models import Assessment, Score

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def deadline_call(people):
    closes = datetime.datetime(2031, 3, 31, 23, 59, 59, tzinfo=PARIS)
    the_call = f.call(
        people["org"],
        actor=people["agent"],
        closes_at=closes,
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    return the_call


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (datetime.timedelta(seconds=-1), True),
        (datetime.timedelta(0), True),
        (datetime.timedelta(microseconds=1), False),
        (datetime.timedelta(seconds=1), False),
    ],
    ids=["one-second-before", "exact-second", "one-microsecond-after", "one-second-after"],
)
def test_submission_at_the_deadline_follows_server_time(people, deadline_call, offset, accepted):
    application = f.draft(deadline_call, people["applicant"])
    with mock.patch("django.utils.timezone.now", return_value=deadline_call.closes_at + offset):
        if accepted:
            app_actions.submit_application(application, actor=people["applicant"])
        else:
            with pytest.raises(ValidationError, match="date limite"):
                app_actions.submit_application(application, actor=people["applicant"])
    application.refresh_from_db()
    assert application.state == (S.SUBMITTED if accepted else S.DRAFT)
    if accepted:
        assert application.submitted_at == deadline_call.closes_at + offset


def test_a_stale_draft_save_is_refused_and_nothing_is_lost(people, call):
    application = f.draft(call, people["applicant"], complete=False)
    version = application.version
    tab_one = app_actions.save_draft(
        application,
        expected_version=version,
        actor=people["applicant"],
        project_title="Titre de l'onglet 1",
    )
    with pytest.raises(ValidationError, match="modifiée entre-temps"):
        app_actions.save_draft(
            application,
            expected_version=version,
            actor=people["applicant"],
            project_title="Titre de l'onglet 2",
        )
    application.refresh_from_db()
    assert application.project_title == "Titre de l'onglet 1"
    assert application.version == tab_one.version == version + 1


def test_an_interrupted_submission_resumes_from_the_saved_draft(people, call):
    application = f.draft(call, people["applicant"], complete=False)
    app_actions.save_draft(
        application,
        expected_version=application.version,
        actor=people["applicant"],
        project_title="Épicerie solidaire",
        current_step=2,
    )
    again = app_actions.start_application(call, siret=application.siret, actor=people["applicant"])
    assert again.pk == application.pk
    assert again.project_title == "Épicerie solidaire"
    assert again.current_step == 2


def test_two_reviewers_saving_at_once_keep_both_assessments(people, call):
    application = f.admissible(call, people["applicant"], people["agent"])
    for name in ("reviewer", "other_reviewer"):
        instruction.assign_reviewer(application, people[name], actor=people["agent"])
        instruction.declare_conflict(application, has_conflict=False, actor=people[name])
    version = call.grid_version
    # Both forms were loaded before either save; each save writes only its author's rows.
    reviews.save_review(application, f.full_scores(version, 1), actor=people["reviewer"])
    reviews.save_review(application, f.full_scores(version, 3), actor=people["other_reviewer"])
    assessments = Assessment.objects.filter(subject_id=str(application.pk))
    assert assessments.count() == 2
    by_author = {a.author.email: set(a.scores.values_list("value", flat=True)) for a in assessments}
    assert max(by_author["reviewer@exemple.fr"]) <= 1
    assert max(by_author["other_reviewer@exemple.fr"]) >= 2
    assert Score.objects.filter(assessment__in=assessments).count() == 2 * len(
        f.full_scores(version)
    )


def test_a_reviewer_saving_twice_updates_their_own_assessment(people, call):
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    instruction.declare_conflict(application, has_conflict=False, actor=people["reviewer"])
    reviews.save_review(application, f.full_scores(call.grid_version, 1), actor=people["reviewer"])
    reviews.save_review(application, f.full_scores(call.grid_version, 2), actor=people["reviewer"])
    assert Assessment.objects.filter(subject_id=str(application.pk)).count() == 1


def test_a_call_not_yet_open_refuses_drafts(people):
    the_call = f.call(
        people["org"],
        actor=people["agent"],
        opens_at=timezone.now() + datetime.timedelta(days=2),
        closes_at=timezone.now() + datetime.timedelta(days=20),
    )
    with pytest.raises(ValidationError, match="pas ouvert"):
        app_actions.start_application(the_call, siret=f.siret(), actor=people["applicant"])
