import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from essor.accounts.models import AuditEntry
from essor.calls.actions import instruction, reviews
from essor.calls.enums import ApplicationState as S
from essor.calls.models import Grant, Transition
from essor.calls.tests import factories as f
from essor.calls.workflow import ALLOWED, FINAL, can_move

pytestmark = pytest.mark.django_db


def test_every_state_has_a_row_and_final_states_lead_nowhere():
    assert set(ALLOWED) == set(S.values)
    assert FINAL == {S.INADMISSIBLE, S.ACCEPTED, S.REFUSED, S.DROPPED}
    assert can_move(S.DRAFT, S.SUBMITTED)
    assert not can_move(S.DRAFT, S.ACCEPTED)
    assert not can_move(S.ACCEPTED, S.REFUSED)


def test_submission_logs_the_transition_audits_it_and_mails_a_receipt(
    people, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = f.submitted(call, people["applicant"])
    assert application.state == S.SUBMITTED
    transition = Transition.objects.get(application=application)
    assert (transition.from_state, transition.to_state) == (S.DRAFT, S.SUBMITTED)
    assert transition.actor == people["applicant"]
    entry = AuditEntry.objects.get(action="calls.application.depose")
    assert entry.changes["state"] == [S.DRAFT, S.SUBMITTED]
    assert entry.organisation == people["org"]
    assert len(mail.outbox) == 1
    assert application.reference in mail.outbox[0].subject
    assert mail.outbox[0].to == ["applicant@exemple.fr"]


def test_no_mail_is_sent_before_commit(people, call):
    application = f.submitted(call, people["applicant"])
    # Without the on-commit hooks being run (test transaction never commits), nothing is sent.
    assert application.state == S.SUBMITTED
    assert mail.outbox == []


def test_an_illegal_transition_is_refused_with_a_french_message(people, call):
    application = f.submitted(call, people["applicant"])
    with pytest.raises(ValidationError, match="Passage impossible"):
        instruction.send_to_committee(application, actor=people["agent"])


def test_inadmissibility_needs_a_reason(people, call):
    application = f.submitted(call, people["applicant"])
    with pytest.raises(ValidationError, match="Motivez"):
        instruction.declare_admissibility(application, admissible=False, actor=people["agent"])
    instruction.declare_admissibility(
        application, admissible=False, reason="Hors territoire", actor=people["agent"]
    )
    application.refresh_from_db()
    assert application.state == S.INADMISSIBLE
    assert application.transitions.last().reason == "Hors territoire"


def test_the_whole_instruction_down_to_the_grant(people, call, django_capture_on_commit_callbacks):
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    application.refresh_from_db()
    assert application.state == S.REVIEWING
    instruction.declare_conflict(application, has_conflict=False, actor=people["reviewer"])
    reviews.save_review(
        application, f.full_scores(call.grid_version, 2), actor=people["reviewer"], comment="Solide"
    )
    instruction.close_reviews(application, actor=people["agent"])
    instruction.send_to_committee(application, actor=people["agent"], amount_proposed="15000")
    with django_capture_on_commit_callbacks(execute=True):
        instruction.decide_application(
            application, decision=S.ACCEPTED, amount_granted="15000", actor=people["admin"]
        )
    application.refresh_from_db()
    assert application.state == S.ACCEPTED
    grant = Grant.objects.get(application=application)
    assert grant.amount == 15000
    assert grant.payments.count() == 1
    states = list(application.transitions.values_list("to_state", flat=True))
    assert states == [S.SUBMITTED, S.ADMISSIBLE, S.REVIEWING, S.REVIEWED, S.COMMITTEE, S.ACCEPTED]
    assert "Décision" in mail.outbox[-1].subject


def test_acceptance_needs_an_amount_and_refusal_a_reason(people, call):
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    instruction.declare_conflict(application, has_conflict=False, actor=people["reviewer"])
    reviews.save_review(application, f.full_scores(call.grid_version), actor=people["reviewer"])
    instruction.close_reviews(application, actor=people["agent"])
    instruction.send_to_committee(application, actor=people["agent"])
    with pytest.raises(ValidationError, match="montant accordé"):
        instruction.decide_application(application, decision=S.ACCEPTED, actor=people["admin"])
    with pytest.raises(ValidationError, match="Motivez"):
        instruction.decide_application(application, decision=S.REFUSED, actor=people["admin"])


def test_a_reviewer_must_belong_to_the_organisation(people, call):
    application = f.admissible(call, people["applicant"], people["agent"])
    with pytest.raises(ValidationError, match="n'est pas évaluatrice"):
        instruction.assign_reviewer(application, people["other_agent"], actor=people["agent"])


def test_a_reviewer_with_a_conflict_cannot_score(people, call):
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    with pytest.raises(ValidationError, match="Déclarez d'abord"):
        reviews.save_review(application, {}, actor=people["reviewer"])
    instruction.declare_conflict(
        application, has_conflict=True, text="Je siège au CA", actor=people["reviewer"]
    )
    with pytest.raises(ValidationError, match="conflit d'intérêts"):
        reviews.save_review(application, {}, actor=people["reviewer"])


def test_a_staff_message_notifies_the_applicant(people, call, django_capture_on_commit_callbacks):
    application = f.submitted(call, people["applicant"])
    with django_capture_on_commit_callbacks(execute=True):
        instruction.send_message(
            application, body="Merci de préciser le budget.", actor=people["agent"]
        )
        instruction.send_message(application, body="Voici le budget.", actor=people["applicant"])
    assert [m.to for m in mail.outbox] == [["applicant@exemple.fr"]]
    assert "Merci de préciser" not in mail.outbox[0].body
    with pytest.raises(ValidationError):
        instruction.send_message(application, body="Bonjour", actor=people["other_applicant"])
