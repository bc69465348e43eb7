"""Saved searches: save from the search page, list and delete, e-mail alerts of new actors."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from essor.directory.exchange import alerts
from essor.directory.exchange.models import SavedSearch
from essor.directory.tests import factories as f


@pytest.fixture
def saved(client, sirene, people):
    client.force_login(people["member"])
    response = client.post(
        reverse("directory_exchange:save_search"),
        {"name": "Nantes", "query": "commune=44109&page=3", "frequency": "daily"},
        follow=True,
    )
    assert "Recherche enregistrée" in response.content.decode()
    return SavedSearch.objects.get()


def test_saving_records_the_current_results(saved, sirene):
    assert saved.query == "commune=44109"  # display parameters dropped
    assert set(saved.last_seen) == {sirene["atelier"].siren, sirene["discrete"].siren}


def test_one_email_with_the_new_actor_then_nothing(saved, people, settings):
    settings.SITE_URL = "https://essor.exemple.fr"
    new = f.validated_actor(people["moderator"], name="Recyclerie du Port", commune="44109")
    f.validated_actor(people["other_moderator"], name="Ailleurs", commune="49007")
    mail.outbox.clear()
    call_command("send_directory_alerts", "--force", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people["member"].email]
    assert "Recyclerie du Port" in message.body and "Ailleurs" not in message.body
    assert f"https://essor.exemple.fr/annuaire/acteurs/{new.slug}/" in message.body
    assert "Nantes" in message.subject
    mail.outbox.clear()
    call_command("send_directory_alerts", "--force", stdout=io.StringIO())
    assert mail.outbox == []


def test_a_changed_actor_is_announced(saved, people, sirene):
    from essor.directory import actions

    actor = actions.actor_for_siren(sirene["atelier"].siren, by=people["moderator"])
    version = actions.propose_change(
        actor, {"website": "https://a.exemple.fr"}, by=people["moderator"]
    )
    actions.approve_version(version, by=people["moderator"])
    mail.outbox.clear()
    sent = alerts.send_due_alerts(force=True)
    assert [(s.pk, n, c) for s, n, c in sent] == [(saved.pk, 1, 0)] or [
        (s.pk, n, c) for s, n, c in sent
    ] == [(saved.pk, 0, 1)]
    assert "ATELIER DU REEMPLOI" in mail.outbox[0].body


def test_alerts_respect_the_frequency(saved, people):
    f.validated_actor(people["moderator"], name="Recyclerie du Port", commune="44109")
    mail.outbox.clear()
    assert alerts.send_due_alerts() == []  # saved just now: not due
    later = timezone.now() + datetime.timedelta(days=1)
    assert len(alerts.send_due_alerts(later)) == 1


def test_list_and_delete_only_ones_own_searches(client, saved, people):
    page = client.get(reverse("directory_exchange:saved_searches")).content.decode()
    assert "Nantes" in page and "commune=44109" in page
    client.force_login(people["moderator"])
    assert (
        client.post(reverse("directory_exchange:delete_search", args=[saved.pk])).status_code == 404
    )
    client.force_login(people["member"])
    client.post(reverse("directory_exchange:delete_search", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.post(
        reverse("directory_exchange:save_search"), {"name": "x", "query": "", "frequency": "daily"}
    )
    assert response.status_code == 302 and "connexion" in response["Location"]
    assert client.get(reverse("directory_exchange:saved_searches")).status_code == 302


def test_the_save_partial_for_the_search_page(client, people, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/annuaire/", {"commune": "44109", "label": "scop"})
    request.user = people["member"]
    html = render_to_string(
        "directory/exchange/_save_search.html", {"request": request, "user": request.user}
    )
    assert 'value="commune=44109&amp;label=scop"' in html and "Enregistrer cette recherche" in html
    request.user = AnonymousUser()
    html = render_to_string(
        "directory/exchange/_save_search.html", {"request": request, "user": request.user}
    )
    assert "Connectez-vous" in html
