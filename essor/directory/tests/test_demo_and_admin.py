"""The demo content of the directory (idempotent) and the read-mostly admin."""

import pytest
from django.urls import reverse

from essor.accounts.enums import Role
from essor.directory.demo import PTCE_NAME, seed_demo_directory
from essor.directory.models import Actor, ActorClaim, ActorVersion
from essor.directory.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.directory.tests.urls")]


def test_the_demo_gives_moderators_something_to_see(communes, sirene):
    moderator = f.user("moderation@essor.demo")
    member = f.user("structure@essor.demo")
    org = f.organisation(**{Role.MODERATOR: moderator, Role.STRUCTURE_MEMBER: member})
    org.siren = "244400404"
    org.save()
    org.communes.set([communes["44109"], communes["44143"]])
    for n in range(6):
        f.legal_unit(sirene["run"], f"STRUCTURE DEMO {n}", "44109", lat=47.2 + n / 100, lon=-1.55)
    seed_demo_directory()
    seed_demo_directory()  # idempotent
    ptce = Actor.objects.get(name=PTCE_NAME)
    assert ptce.kind == "ptce" and ptce.status == "validated"
    assert ptce.ptce_members.count() == 4
    assert ActorVersion.objects.filter(status="pending").count() == 1
    assert ActorClaim.objects.get(status="pending").user == member
    assert "ASSOCIATION DISCRETE" not in Actor.objects.values_list("name", flat=True)


def test_admin_lists_are_searchable_and_read_only(client, people):
    actor = f.validated_actor(people["moderator"], name="Ressourcerie du Port")
    client.force_login(people["superuser"])
    for model in ("actor", "actorversion", "actorclaim", "errorreport", "customfield"):
        url = reverse(f"admin:directory_{model}_changelist")
        assert client.get(url, {"q": "Port"}).status_code == 200
    change = reverse("admin:directory_actor_change", args=[actor.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:directory_actor_add")).status_code == 403
    # Its web-address fields assume https (a deprecation warning fails the suite otherwise).
    assert client.get(reverse("admin:directory_exchange_externalsource_add")).status_code == 200
    response = client.post(
        reverse("admin:directory_customfield_add"),
        {
            "organisation": people["org"].pk,
            "key": "suivi",
            "label": "Suivi",
            "kind": "text",
            "choices": "[]",
        },
    )
    assert response.status_code == 302
    from essor.accounts.models import AuditEntry

    assert AuditEntry.objects.filter(
        action="directory.custom_field.created", source="admin"
    ).exists()
