"""Duplicate detection (same SIREN/SIRET, close normalised name in the same commune) and merge."""

import pytest

from essor.accounts.models import AuditEntry
from essor.directory import actions, duplicates
from essor.directory.enums import ModerationStatus, VersionStatus
from essor.directory.models import Actor
from essor.directory.tests import factories as f


@pytest.mark.parametrize(
    "raw,normalised",
    [
        ("Association Les Amis du Vélo", "amis velo"),
        ("SCOP SAS L'Échappée Belle", "echappee belle"),
        ("  RESSOURCERIE   du Port (SCIC) ", "ressourcerie port"),
        ("Coopérative d'activité", "activite"),
    ],
)
def test_normalise_name(raw, normalised):
    assert duplicates.normalise_name(raw) == normalised


@pytest.mark.parametrize(
    "a,b,duplicate",
    [
        ("Ressourcerie du Port", "Association La Ressourcerie du Port", True),
        ("Les Amis du Vélo", "Amis du velo SCOP", True),
        ("Recyclerie Nantaise", "Recyclerie Nantais", True),
        ("Jardin des Ronces", "Épicerie solidaire", False),
        ("Association", "SCOP", False),  # nothing left to compare
    ],
)
def test_similarity_threshold(a, b, duplicate):
    assert (duplicates.similarity(a, b) >= duplicates.THRESHOLD) is duplicate


@pytest.mark.django_db
def test_candidates_by_name_in_the_same_commune_and_by_siren(people, sirene):
    port = f.validated_actor(people["moderator"], name="Ressourcerie du Port")
    f.validated_actor(people["moderator"], name="Ressourcerie du Port", commune="44143")
    new = actions.propose_actor(
        f.values(name="Association la Ressourcerie du Port"), author_email="a@exemple.fr"
    ).actor
    found = duplicates.find_duplicates(new)
    assert [c.actor for c in found] == [port]  # not the one in Rezé
    assert "nom proche" in found[0].reason
    scop = actions.actor_for_siren(sirene["scop"].siren)
    clone = Actor.objects.create(
        slug="p-clone", name="Autre nom", siren="", siret=scop.siret, status="pending"
    )
    assert [c.actor for c in duplicates.find_duplicates(clone)] == [scop]
    assert duplicates.find_duplicates(clone)[0].reason == "même SIRET"


@pytest.mark.django_db
def test_merge_moves_everything_and_keeps_history(people, django_capture_on_commit_callbacks):
    keep = f.validated_actor(people["moderator"], name="Ressourcerie du Port")
    other = f.validated_actor(
        people["moderator"],
        name="Asso Ressourcerie du Port",
        website="https://ressourcerie.example",
        description="Autre description.",
    )
    actions.claim_actor(other, by=people["claimant"], role_in_structure="Bénévole")
    pending = actions.propose_change(other, {"public_phone": "0240"}, by=people["agent"])
    field = actions.create_custom_field(
        people["org"], key="suivi", label="Suivi", kind="text", by=None
    )
    actions.set_custom_value(other, field, "Rencontrée en 2026", by=None)
    ptce = f.validated_actor(people["moderator"], name="Pôle", kind="ptce")
    actions.add_ptce_member(ptce, other, by=people["moderator"])
    report = actions.report_error(other, message="Doublon de la ressourcerie.")
    newcomer = actions.propose_actor(
        f.values(name="Ressourcerie du Port !"), author_email="nouveau@exemple.fr"
    )

    with django_capture_on_commit_callbacks(execute=True):
        duplicates.merge_actors(keep, other, people["moderator"])
        duplicates.merge_actors(keep, newcomer.actor, people["moderator"])
    keep.refresh_from_db()
    other.refresh_from_db()
    assert other.status == ModerationStatus.DUPLICATE and other.duplicate_of == keep
    assert keep.website == "https://ressourcerie.example"  # blank filled from the duplicate
    assert keep.description == "Réparation de vélos par et pour les habitants."  # kept
    assert keep.claims.get().user == people["claimant"]
    assert keep.custom_values.get().value == "Rencontrée en 2026"
    assert list(ptce.ptce_members.values_list("member", flat=True)) == [keep.pk]
    report.refresh_from_db()
    pending.refresh_from_db()
    assert report.actor == keep and pending.actor == keep
    assert keep.status == ModerationStatus.MODIFIED_PENDING  # the moved pending change
    assert keep.versions.filter(status=VersionStatus.VALIDATED).count() == 2  # both creations
    newcomer.refresh_from_db()
    assert newcomer.status == VersionStatus.REFUSED and "déjà" in newcomer.reason
    merged = AuditEntry.objects.filter(action="directory.actor.merged", target_id=str(keep.pk))
    assert merged.count() == 2
    assert merged.earliest("id").changes["website"] == ["", "https://ressourcerie.example"]
    marked = AuditEntry.objects.get(
        action="directory.actor.marked_duplicate", target_id=str(other.pk)
    )
    assert marked.changes["status"] == ["modified_pending", "duplicate"]


@pytest.mark.django_db
def test_merge_refuses_outsiders_and_self(people):
    keep = f.validated_actor(people["moderator"], name="A")
    other = f.validated_actor(people["moderator"], name="B")
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        duplicates.merge_actors(keep, other, people["other_moderator"])
    with pytest.raises(ValidationError):
        duplicates.merge_actors(keep, keep, people["moderator"])


@pytest.mark.django_db
@pytest.mark.urls("essor.directory.tests.urls")
def test_a_sirene_unit_without_row_is_a_candidate_and_can_be_kept(client, people, sirene):
    from django.urls import reverse

    version = actions.propose_actor(
        f.values(name="Association Le Pédalier"), author_email="a@exemple.fr"
    )
    found = duplicates.find_duplicates(version.actor)
    assert [(c.slug, c.actor) for c in found] == [(sirene["scop"].siren, None)]
    assert "Sirene" in found[0].reason
    client.force_login(people["moderator"])
    page = client.get(reverse("directory:version_detail", args=[version.pk])).content.decode()
    assert "SCOP LE PEDALIER" in page
    response = client.post(reverse("directory:merge", args=[version.pk]), {"keep": found[0].slug})
    assert response.status_code == 302
    keep = Actor.objects.get(siren=sirene["scop"].siren)
    duplicate = Actor.objects.get(pk=version.actor_id)
    assert duplicate.status == ModerationStatus.DUPLICATE and duplicate.duplicate_of == keep
    assert keep.description == "Réparation de vélos par et pour les habitants."  # filled blank
    # Another territory's moderator cannot use the merge.
    other = actions.propose_actor(f.values(name="Le Pédalier"), author_email="b@exemple.fr")
    client.force_login(people["other_moderator"])
    assert (
        client.post(reverse("directory:merge", args=[other.pk]), {"keep": keep.slug}).status_code
        == 404
    )
