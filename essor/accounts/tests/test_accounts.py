import pytest
from django.core.exceptions import ValidationError

from essor.accounts import actions, perms
from essor.accounts.enums import OrganisationKind, Role
from essor.accounts.models import AuditEntry, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return actions.create_organisation(
        name="Ville de Test", kind=OrganisationKind.COLLECTIVITE, actor=None, source="test"
    )


def make_user(email, **fields):
    return User.objects.create_user(email, "motdepasse-solide", **fields)


def test_users_log_in_with_their_email(client):
    make_user("Agent@Exemple.FR")
    assert client.login(email="agent@exemple.fr", password="motdepasse-solide")


def test_creating_an_organisation_is_audited(organisation):
    entry = AuditEntry.objects.get(action="accounts.organisation.created")
    assert entry.target_id == str(organisation.pk)
    assert entry.changes["name"] == [None, "Ville de Test"]
    assert entry.source == "test"


def test_two_organisations_cannot_share_a_name(organisation):
    with pytest.raises(ValidationError):
        actions.create_organisation(name="Ville de Test", kind=OrganisationKind.NETWORK, actor=None)


def test_adding_and_removing_a_member_is_audited_with_the_actor(organisation):
    admin = make_user("admin@exemple.fr")
    agent = make_user("agent@exemple.fr")
    membership = actions.add_member(organisation, agent, Role.AGENT, actor=admin)
    added = AuditEntry.objects.get(action="accounts.membership.added")
    assert added.actor == admin
    assert added.changes == {"user": [None, "agent@exemple.fr"], "role": [None, "agent"]}
    actions.remove_member(membership, actor=admin)
    removed = AuditEntry.objects.get(action="accounts.membership.removed")
    assert removed.changes["role"] == ["agent", None]


def test_an_unknown_role_is_refused(organisation):
    with pytest.raises(ValidationError):
        actions.add_member(organisation, make_user("x@exemple.fr"), "chef", actor=None)


@pytest.mark.parametrize(
    "role, manage, audit",
    [
        (Role.ADMIN, True, True),
        (Role.MODERATOR, False, True),
        (Role.AGENT, False, False),
        (Role.REVIEWER, False, False),
        (Role.STRUCTURE_MEMBER, False, False),
        (None, False, False),
    ],
    ids=["admin", "moderator", "agent", "reviewer", "structure_member", "outsider"],
)
def test_permissions_per_role(organisation, role, manage, audit):
    user = make_user("personne@exemple.fr")
    if role:
        actions.add_member(organisation, user, role, actor=None)
    assert perms.can_manage_members(user, organisation) is manage
    assert perms.can_view_audit(user, organisation) is audit


def test_anonymous_has_no_role(organisation):
    from django.contrib.auth.models import AnonymousUser

    assert not perms.can_manage_members(AnonymousUser(), organisation)


def test_staff_can_query_the_audit_log_in_the_admin_but_not_edit_it(client, organisation):
    User.objects.create_superuser("staff@exemple.fr", "motdepasse-solide")
    client.login(email="staff@exemple.fr", password="motdepasse-solide")
    listing = client.get("/admin/accounts/auditentry/?q=Ville")
    assert listing.status_code == 200
    assert "accounts.organisation.created" in listing.content.decode()
    entry = AuditEntry.objects.first()
    change = client.post(f"/admin/accounts/auditentry/{entry.pk}/change/", {"action": "x"})
    entry.refresh_from_db()
    assert entry.action == "accounts.organisation.created"
    assert change.status_code in (200, 403)


def test_non_staff_users_are_kept_out_of_the_admin(client):
    make_user("agent@exemple.fr")
    client.login(email="agent@exemple.fr", password="motdepasse-solide")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
