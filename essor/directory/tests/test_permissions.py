"""One permission test per role and view: who gets the page (200), who is sent to sign in, who
may see the object but not act (403), who may not know it exists (404); and private custom fields
never reach the HTML of someone outside the organisation's staff."""

import pytest
from django.urls import reverse

from essor.directory import actions
from essor.directory.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.directory.tests.urls")]

ROLES = ["anonymous", "claimant", "moderator", "other_moderator", "admin", "superuser"]
LOGIN, OK, DONE = "login", 200, "done"
PRIVATE, PUBLIC = "NOTE-PRIVEE-7731", "Horaires-publics-4412"


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


@pytest.fixture
def world(people):
    actor = f.validated_actor(people["moderator"], website="https://velo.example")
    claim = actions.claim_actor(actor, by=people["claimant"], role_in_structure="Salariée")
    actions.decide_claim(claim, by=people["moderator"], accept=True)
    private = actions.create_custom_field(
        people["org"], key="note", label="Note interne", kind="text", by=None
    )
    public = actions.create_custom_field(
        people["org"], key="acces", label="Accès", kind="text", is_public=True, by=None
    )
    actions.set_custom_value(actor, private, PRIVATE, by=None)
    actions.set_custom_value(actor, public, PUBLIC, by=None)
    change = actions.propose_change(actor, {"public_phone": "02 40 00 00 00"}, by=people["agent"])
    new = actions.propose_actor(
        f.values(name="Jardin partagé"), author_email="voisin@exemple.fr"
    ).actor
    report = actions.report_error(actor, message="Mauvais téléphone.")
    return {"actor": actor, "change": change, "new": new, "report": report}


VIEWS = {
    # name: (method, args from world, POST data, expected)
    "actor_detail": ("get", lambda w: [w["actor"].slug], {}, expect(OK, OK, OK, OK, OK, OK)),
    "actor_detail_pending": (
        "get",
        lambda w: [w["new"].slug],
        {},
        expect(404, 404, OK, 404, OK, OK),
    ),
    "actor_suggest": ("get", lambda w: [w["actor"].slug], {}, expect(OK, OK, OK, OK, OK, OK)),
    "actor_claim": ("get", lambda w: [w["actor"].slug], {}, expect(LOGIN, 403, OK, OK, OK, OK)),
    "moderation_queue": ("get", lambda w: [], {}, expect(LOGIN, 403, OK, OK, OK, OK)),
    "version_detail": (
        "get",
        lambda w: [w["change"].pk],
        {},
        expect(LOGIN, 404, OK, 404, OK, OK),
    ),
    "version_decide": (
        "post",
        lambda w: [w["change"].pk],
        {"decision": "approve"},
        expect(LOGIN, 404, DONE, 404, DONE, DONE),
    ),
    "report_close": (
        "post",
        lambda w: [w["report"].pk],
        {},
        expect(LOGIN, 404, DONE, 404, DONE, DONE),
    ),
    "custom_values": (
        "get",
        lambda w: [w["actor"].slug],
        {},
        expect(LOGIN, 403, OK, 403, OK, OK),
    ),
    "actor_remove": (
        "post",
        lambda w: [w["actor"].slug],
        {"reason": "Test"},
        expect(LOGIN, 403, DONE, 403, DONE, DONE),
    ),
}
URL_NAMES = {"actor_detail_pending": "actor_detail", "version_decide": "version_detail"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_permission_matrix(client, people, world, view, role):
    method, args, data, expected = VIEWS[view]
    if role != "anonymous":
        client.force_login(people[role])
    url = reverse(f"directory:{URL_NAMES.get(view, view)}", args=args(world))
    response = getattr(client, method)(url, data)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    elif want == DONE:
        assert response.status_code == 302 and "/connexion/" not in response["Location"]
    else:
        assert response.status_code == want


@pytest.mark.parametrize(
    "role,sees_private",
    [
        ("anonymous", False),
        ("claimant", False),
        ("moderator", True),
        ("other_moderator", False),
        ("admin", True),
        ("agent", True),
        ("outsider", False),
        ("superuser", True),
    ],
)
def test_private_fields_only_for_the_organisation_staff(client, people, world, role, sees_private):
    if role != "anonymous":
        client.force_login(people[role])
    html = client.get(reverse("directory:actor_detail", args=[world["actor"].slug])).content
    assert (PRIVATE.encode() in html) is sees_private
    assert PUBLIC.encode() in html


def test_a_moderator_of_another_territory_sees_an_empty_queue(client, people, world):
    client.force_login(people["other_moderator"])
    html = client.get(reverse("directory:moderation_queue")).content.decode()
    assert world["actor"].name not in html and "Jardin partagé" not in html
    client.force_login(people["moderator"])
    html = client.get(reverse("directory:moderation_queue")).content.decode()
    assert "Jardin partagé" in html and "Mauvais téléphone." in html


def test_the_author_of_a_pending_actor_sees_it(client, people):
    version = actions.propose_actor(f.values(name="Café associatif"), by=people["claimant"])
    client.force_login(people["claimant"])
    response = client.get(reverse("directory:actor_detail", args=[version.actor.slug]))
    assert response.status_code == 200
    assert "attend sa validation" in response.content.decode()
