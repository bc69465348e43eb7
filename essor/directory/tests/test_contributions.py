"""Contributions through the pages: anonymous suggestions with an e-mail, rate limit per IP and
per user, honeypot, logo checks (content and size), claims and error reports on a Sirene unit."""

import pytest
from django.urls import reverse

from essor.directory import logos, ratelimit
from essor.directory.enums import ModerationStatus
from essor.directory.models import Actor, ActorClaim, ActorVersion, ErrorReport
from essor.directory.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.directory.tests.urls")]


def form_data(**overrides) -> dict:
    data = {
        "name": "Atelier vélo solidaire",
        "kind": "organisation",
        "life_stage": "en_projet",
        "description": "Réparation de vélos.",
        "commune": "44109",
        "themes": ["mobilite"],
        "author_email": "voisine@exemple.fr",
    }
    data.update(overrides)
    return data


def test_an_anonymous_person_proposes_an_actor(client, people):
    response = client.post(reverse("directory:propose_actor"), form_data())
    assert response.status_code == 302
    actor = Actor.objects.get(name="Atelier vélo solidaire")
    assert actor.status == ModerationStatus.PENDING
    assert actor.versions.get().author_email == "voisine@exemple.fr"


def test_an_anonymous_proposal_without_email_is_refused(client, people):
    data = form_data()
    del data["author_email"]
    response = client.post(reverse("directory:propose_actor"), data)
    assert response.status_code == 400
    assert not Actor.objects.exists()
    assert "Atelier vélo solidaire" in response.content.decode()  # nothing lost


@pytest.mark.parametrize("with_row", [False, True])
def test_a_known_siret_is_sent_to_its_page(client, people, sirene, with_row):
    from essor.directory import actions

    if with_row:
        actions.actor_for_siren(sirene["scop"].siren)
    siret = sirene["scop"].establishments.first().siret
    response = client.post(reverse("directory:propose_actor"), form_data(siret=siret))
    assert response.status_code == 400
    assert "déjà dans l" in response.content.decode()
    assert Actor.objects.count() == int(with_row)


def test_the_honeypot_drops_the_submission_silently(client, people):
    response = client.post(
        reverse("directory:propose_actor"), form_data(site_internet_2="http://spam.example")
    )
    assert response.status_code == 302
    assert not Actor.objects.exists()


def test_rate_limit_per_ip(client, people, monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMIT_PER_IP", 2)
    url = reverse("directory:propose_actor")
    for n in range(2):
        assert client.post(url, form_data(name=f"Projet {n}")).status_code == 302
    response = client.post(url, form_data(name="Projet de trop"))
    assert response.status_code == 429
    assert "Trop de contributions" in response.content.decode()
    assert Actor.objects.count() == 2
    other_ip = client.post(url, form_data(name="Autre adresse"), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


def test_rate_limit_per_user_across_addresses(client, people, monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMIT_PER_USER", 1)
    client.force_login(people["outsider"])
    url = reverse("directory:propose_actor")
    assert client.post(url, form_data(name="Un"), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(url, form_data(name="Deux"), REMOTE_ADDR="10.0.0.2").status_code == 429


def test_a_suggestion_on_a_sirene_unit_creates_its_row_and_a_pending_version(
    client, people, sirene
):
    siren = sirene["scop"].siren
    url = reverse("directory:actor_suggest", args=[siren])
    response = client.get(url)
    assert response.status_code == 200 and "SCOP LE PEDALIER" in response.content.decode()
    data = form_data(name="SCOP LE PEDALIER", life_stage="actif", description="Vélos.")
    response = client.post(url, data)
    assert response.status_code == 302
    actor = Actor.objects.get(siren=siren)
    assert actor.status == ModerationStatus.MODIFIED_PENDING
    version = actor.versions.get()
    assert version.data["description"] == "Vélos." and "name" not in version.data
    assert actor.description == ""  # moderated first


def test_nothing_is_created_when_a_suggestion_changes_nothing(client, people, sirene):
    siren = sirene["scop"].siren
    data = form_data(name="SCOP LE PEDALIER", life_stage="actif", description="")
    data["themes"] = []
    response = client.post(reverse("directory:actor_suggest", args=[siren]), data)
    assert response.status_code == 400
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    "data,name,accepted",
    [
        (f.png(), "logo.png", True),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "logo.jpg", True),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 50, "logo.webp", True),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "logo.png", False),
        (b"%PDF-1.4 fake", "logo.png", False),
        (b"GIF89a" + b"\x00" * 20, "logo.gif", False),
        (f.png(size=logos.MAX_LOGO_BYTES + 10), "grand.png", False),
        (b"", "vide.png", False),
    ],
)
def test_logo_checked_by_content_and_size(client, people, data, name, accepted):
    actor = f.validated_actor(people["moderator"])
    client.force_login(people["outsider"])
    payload = form_data(name=actor.name, description=actor.description)
    payload["logo"] = f.upload(data, name)
    response = client.post(reverse("directory:actor_suggest", args=[actor.slug]), payload)
    version = ActorVersion.objects.filter(actor=actor, kind="modification").first()
    if accepted:
        assert response.status_code == 302
        assert logos.logo_path(version.data["logo"]) is not None
    else:
        assert response.status_code == 400
        assert version is None
        stored = logos.logo_dir()
        assert not stored.exists() or not any(stored.iterdir())


def test_claim_and_report_on_a_sirene_unit(client, people, sirene):
    siren = sirene["neighbour"].siren
    client.force_login(people["claimant"])
    url = reverse("directory:actor_claim", args=[siren])
    assert client.post(url, {"role_in_structure": "Trésorière"}).status_code == 302
    claim = ActorClaim.objects.get()
    assert claim.actor.siren == siren and claim.status == "pending"
    client.logout()
    report = reverse("directory:actor_report", args=[siren])
    assert client.post(report, {"message": "Fermé le lundi."}).status_code == 302
    assert client.post(report, {"message": "x", "site_internet_2": "spam"}).status_code == 302
    assert list(ErrorReport.objects.values_list("message", flat=True)) == ["Fermé le lundi."]


def test_a_moderator_decides_from_the_queue_and_the_author_is_told(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.post(reverse("directory:propose_actor"), form_data(name="Café des Possibles"))
    version = ActorVersion.objects.get()
    client.force_login(people["moderator"])
    url = reverse("directory:version_detail", args=[version.pk])
    response = client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 400  # a refusal needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "refuse", "reason": "Déjà référencé ailleurs."})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "refused"
    assert mailoutbox[-1].to == ["voisine@exemple.fr"]
    assert "Déjà référencé ailleurs." in mailoutbox[-1].body
