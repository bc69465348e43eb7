"""One permission test per role and view: who gets the page (200), who is sent to sign in (302
to the login page), who may see the object but not act (403), who may not know it exists (404)."""

import pytest
from django.urls import reverse

from essor.calls.actions import applications as app_actions
from essor.calls.actions import instruction
from essor.calls.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.calls.tests.urls")]

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "other_reviewer",
    "agent",
    "admin",
    "other_agent",
]
LOGIN = 302
OK = 200
DONE = 302  # a POST that went through redirects (Post/Redirect/Get)


def expect(
    anonymous, applicant, other_applicant, reviewer, other_reviewer, agent, admin, other_agent
):
    return dict(
        zip(
            ROLES,
            [
                anonymous,
                applicant,
                other_applicant,
                reviewer,
                other_reviewer,
                agent,
                admin,
                other_agent,
            ],
            strict=True,
        )
    )


@pytest.fixture
def world(people, call):
    """An application in review (reviewer assigned, not yet declared) with one document, and a
    draft of the same applicant."""
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    draft = f.draft(call, people["applicant"], complete=False)
    app_actions.attach_document(draft, f.pdf(), label="Statuts", actor=people["applicant"])
    return {
        "call": call,
        "application": application,
        "draft": draft,
        "document": application.documents.first(),
        "org": people["org"],
    }


VIEWS = {
    # name: (method, url args from world, expected statuses)
    "call_list": ("get", lambda w: [], expect(OK, OK, OK, OK, OK, OK, OK, OK)),
    "call_detail": ("get", lambda w: [w["call"].slug], expect(OK, OK, OK, OK, OK, OK, OK, OK)),
    "apply_start": ("get", lambda w: [w["call"].slug], expect(LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    "my_applications": ("get", lambda w: [], expect(LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    "application_detail": (
        "get",
        lambda w: [w["application"].pk],
        expect(LOGIN, OK, 404, OK, 404, OK, OK, 404),
    ),
    "application_edit": (
        "get",
        lambda w: [w["draft"].pk, 1],
        expect(LOGIN, OK, 404, 404, 404, 404, 404, 404),
    ),
    "upload_document": (
        "post",
        lambda w: [w["draft"].pk],
        expect(LOGIN, DONE, 404, 404, 404, 404, 404, 404),
    ),
    "submit": (
        "post",
        lambda w: [w["draft"].pk],
        expect(LOGIN, DONE, 404, 404, 404, 404, 404, 404),
    ),
    "document": ("get", lambda w: [w["document"].pk], expect(LOGIN, OK, 404, OK, 404, OK, OK, 404)),
    "receipt": (
        "get",
        lambda w: [w["application"].pk],
        expect(LOGIN, OK, 404, 403, 404, OK, OK, 404),
    ),
    "post_message": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, DONE, 404, 403, 404, DONE, DONE, 404),
    ),
    "my_reviews": ("get", lambda w: [], expect(LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    "review": (
        "get",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, OK, 404, 403, 403, 404),
    ),
    "declare_conflict": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, DONE, 404, 403, 403, 404),
    ),
    "add_note": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, DONE, 404, DONE, DONE, 404),
    ),
    "staff_home": ("get", lambda w: [], expect(LOGIN, 403, 403, 403, 403, OK, OK, OK)),
    "call_create": (
        "get",
        lambda w: [w["org"].slug],
        expect(LOGIN, 404, 404, 404, 404, OK, OK, 404),
    ),
    "settings": ("get", lambda w: [w["org"].slug], expect(LOGIN, 404, 404, 404, 404, OK, OK, 404)),
    "call_edit": (
        "get",
        lambda w: [w["call"].slug],
        expect(LOGIN, 404, 404, 404, 404, OK, OK, 404),
    ),
    "call_applications": (
        "get",
        lambda w: [w["call"].slug],
        expect(LOGIN, 404, 404, 404, 404, OK, OK, 404),
    ),
    "committee": (
        "get",
        lambda w: [w["call"].slug],
        expect(LOGIN, 404, 404, 404, 404, OK, OK, 404),
    ),
    "admissibility": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404),
    ),
    "assign": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404),
    ),
    "close_reviews": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404),
    ),
    "to_committee": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, 403, 404, DONE, DONE, 404),
    ),
    "decide": (
        "post",
        lambda w: [w["application"].pk],
        expect(LOGIN, 403, 404, 403, 404, 403, DONE, 404),
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, people, world, role):
    """One role on every view (bodies are empty, so no POST changes the state between views)."""
    if role != "anonymous":
        client.force_login(people[role])
    got, expected = {}, {}
    for view, (method, args, statuses) in VIEWS.items():
        response = getattr(client, method)(reverse(f"calls:{view}", args=args(world)))
        got[view], expected[view] = response.status_code, statuses[role]
        if role == "anonymous" and statuses[role] == LOGIN:
            assert response["Location"].startswith(reverse("calls:login")), view
    assert got == expected
    world["application"].refresh_from_db()
    assert world["application"].state == "en_instruction"  # no POST changed anything
