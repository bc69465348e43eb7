"""The actor page: a Sirene legal unit without row, a project without SIRET, a PTCE; partial
diffusion never leaks (street, coordinates) on its own page nor in its neighbours' pages."""

import json
import re

import pytest
from django.urls import reverse

from essor.directory import actions, duplicates
from essor.directory.models import Actor
from essor.directory.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.directory.tests.urls")]


def page(client, slug) -> str:
    response = client.get(reverse("directory:actor_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def points(html: str) -> list[list[dict]]:
    import html as html_lib

    return [json.loads(html_lib.unescape(m)) for m in re.findall(r"data-points='([^']*)'", html)]


def test_a_sirene_legal_unit_without_row_has_a_page(client, people, sirene, settings):
    unit = sirene["scop"]
    html = page(client, unit.siren)
    assert "SCOP LE PEDALIER" in html
    assert "Source : Sirene (Insee), données au" in html
    assert "1 RUE DE LA PAIX" in html  # diffusible: the street is shown
    assert html.count(unit.siren) >= 3  # the SIREN, and both establishments' SIRET
    # Nearby (by distance) and same-sector (same NAF division, same EPCI) actors.
    nearby = html.split('id="proches"')[1].split("</section>")[0]
    assert "RECYCLERIE DE REZE" in nearby and "EPICERIE ANGEVINE" not in nearby
    sector = html.split('id="secteur"')[1].split("</section>")[0]
    assert "RECYCLERIE DE REZE" in sector and "EPICERIE ANGEVINE" not in sector
    assert "Proposer une modification" in html


def test_an_unknown_siren_is_a_404(client, sirene):
    assert client.get(reverse("directory:actor_detail", args=["123456782"])).status_code == 404
    assert client.get(reverse("directory:actor_detail", args=["p-999"])).status_code == 404


def test_partial_diffusion_never_leaks(client, people, sirene, settings):
    settings.STATICFILES_DIRS = []
    secret = sirene["partial"]
    html = page(client, secret.siren)
    assert "ASSOCIATION DISCRETE" in html and "Nantes" in html
    assert "12 RUE SECRETE" not in html and "47.219" not in html and "-1.554" not in html
    assert "diffusion partielle" in html
    assert all(p == [] for p in points(html))
    # Nor in the neighbours' lists (position-based), nor as a point.
    for slug in (sirene["scop"].siren, sirene["neighbour"].siren):
        other = page(client, slug)
        assert "ASSOCIATION DISCRETE" not in other.split('id="proches"')[1].split("</section>")[0]
        assert "12 RUE SECRETE" not in other and "47.219" not in other
    # Contributions create the row but the official part stays at commune level.
    actor = actions.actor_for_siren(secret.siren)
    assert actor.lat is None and actor.address == ""
    assert "12 RUE SECRETE" not in page(client, secret.siren)


def test_a_project_without_siret(client, people):
    actor = f.validated_actor(people["moderator"], description="Un projet de jardin.")
    html = page(client, actor.slug)
    assert actor.slug.startswith("p-")
    assert "Un projet de jardin." in html and "En projet" in html
    assert "sans numéro SIRET" in html
    assert "proches" not in html  # no position, no neighbours


def test_a_located_project_lists_the_sirene_structures_nearby(client, people, sirene):
    actor = f.validated_actor(people["moderator"], lat=47.2185, lon=-1.5530)
    html = page(client, actor.slug)
    nearby = html.split('id="proches"')[1].split("</section>")[0]
    assert nearby.index("SCOP LE PEDALIER") < nearby.index("RECYCLERIE DE REZE")
    assert "ASSOCIATION DISCRETE" not in nearby and "EPICERIE ANGEVINE" not in nearby


def test_a_ptce_shows_its_members_as_a_list_and_points(client, people, sirene):
    ptce = f.validated_actor(people["moderator"], name="PTCE des Communs", kind="ptce")
    member = f.validated_actor(people["moderator"], name="Jardin des Ronces", lat=47.2, lon=-1.5)
    scop = actions.actor_for_siren(sirene["scop"].siren)
    hidden = actions.actor_for_siren(sirene["partial"].siren)
    for actor in (member, scop, hidden):
        actions.add_ptce_member(ptce, actor, by=people["moderator"])
    html = page(client, ptce.slug)
    members = html.split('id="membres"')[1].split("</section>")[0]
    for name in ("Jardin des Ronces", "SCOP LE PEDALIER", "ASSOCIATION DISCRETE"):
        assert name in members
    # The map only exists when Leaflet is vendored; the points never include partial units.
    from essor.directory.views import public

    if public.leaflet_available():
        names = {p["name"] for group in points(html) for p in group}
        assert {"Jardin des Ronces", "SCOP LE PEDALIER"} <= names
        assert "ASSOCIATION DISCRETE" not in names
    assert "47.219" not in html
    assert "PTCE des Communs" in page(client, member.slug)  # « Membre de »


def test_points_are_rendered_when_leaflet_is_vendored(client, people, sirene, tmp_path, settings):
    vendor = tmp_path / "static" / "vendor" / "leaflet"
    vendor.mkdir(parents=True)
    (vendor / "leaflet.js").write_text("/* test */")
    settings.STATICFILES_DIRS = [tmp_path / "static", *settings.STATICFILES_DIRS]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        html = page(client, sirene["scop"].siren)
        groups = points(html)
        assert groups and {p["name"] for p in groups[0]} == {"SCOP LE PEDALIER"}
        assert len(groups[0]) == 2
        secret = page(client, sirene["partial"].siren)
        assert points(secret) == []
    finally:
        finders.get_finder.cache_clear()


def test_history_lists_validated_changes_without_emails(client, people):
    actor = f.validated_actor(people["moderator"])
    version = actions.propose_change(
        actor,
        {"description": "Ouvert à tous.", "public_phone": "02 40 00 00 00"},
        author_email="anonyme@exemple.fr",
    )
    actions.approve_version(version, by=people["moderator"])
    refused = actions.propose_change(actor, {"website": "https://x.example"}, by=people["agent"])
    actions.refuse_version(refused, by=people["moderator"], reason="Non.")
    html = page(client, actor.slug)
    history = html.split('id="historique"')[1].split("</section>")[0]
    assert "Description" in history and "Téléphone public" in history
    assert "Site web" not in history  # refused versions are not history
    assert "anonyme@exemple.fr" not in html and "auteur@exemple.fr" not in html


def test_a_duplicate_redirects_to_the_kept_actor(client, people):
    keep = f.validated_actor(people["moderator"], name="Ressourcerie du Port")
    other = f.validated_actor(people["moderator"], name="Association Ressourcerie du Port")
    duplicates.merge_actors(keep, other, people["moderator"])
    response = client.get(reverse("directory:actor_detail", args=[other.slug]))
    assert response.status_code == 302 and response["Location"].endswith(f"/{keep.slug}/")


def test_the_logo_is_served_with_its_checked_type(client, people):
    actor = f.validated_actor(people["moderator"])
    from essor.directory import logos

    name = logos.store_logo(f.upload(f.png()))
    version = actions.propose_change(actor, {"logo": name}, by=people["agent"])
    assert client.get(reverse("directory:actor_logo", args=[actor.slug])).status_code == 404
    logo_url = reverse("directory:version_logo", args=[version.pk])
    assert client.get(logo_url).status_code == 302  # sign in first
    client.force_login(people["other_moderator"])
    assert client.get(logo_url).status_code == 404
    client.force_login(people["moderator"])
    assert client.get(logo_url)["Content-Type"] == "image/png"
    page = client.get(reverse("directory:version_detail", args=[version.pk])).content.decode()
    assert logo_url in page
    actions.approve_version(version, by=people["moderator"])
    client.logout()
    response = client.get(reverse("directory:actor_logo", args=[actor.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_version_page_shows_before_after_and_duplicates(client, people):
    f.validated_actor(people["moderator"], name="Ressourcerie du Port")
    version = actions.propose_actor(
        f.values(name="Association La Ressourcerie du Port"), author_email="x@exemple.fr"
    )
    client.force_login(people["moderator"])
    html = client.get(reverse("directory:version_detail", args=[version.pk])).content.decode()
    assert "Doublons possibles" in html and "Fusionner en gardant" in html
    assert "<ins>Association La Ressourcerie du Port</ins>" in html
    change = actions.propose_change(
        version.actor, {"description": "Autre texte."}, by=people["agent"]
    )
    html = client.get(reverse("directory:version_detail", args=[change.pk])).content.decode()
    assert "<del>Réparation de vélos par et pour les habitants.</del>" in html
    assert "<ins>Autre texte.</ins>" in html


def test_pages_run_a_bounded_number_of_queries(
    client, people, sirene, django_assert_max_num_queries
):
    for n in range(5):
        f.validated_actor(people["moderator"], name=f"Projet {n}")
        actions.propose_actor(f.values(name=f"Nouveau {n}"), author_email="a@exemple.fr")
    ptce = f.validated_actor(people["moderator"], name="Pôle", kind="ptce")
    for actor in list(Actor.objects.exclude(pk=ptce.pk).filter(status="validated"))[:5]:
        actions.add_ptce_member(ptce, actor, by=people["moderator"])
    with django_assert_max_num_queries(25):
        client.get(reverse("directory:actor_detail", args=[sirene["scop"].siren]))
    with django_assert_max_num_queries(30):
        client.get(reverse("directory:actor_detail", args=[ptce.slug]))
    client.force_login(people["moderator"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("directory:moderation_queue"))
    assert response.content.decode().count("Examiner") == 5
