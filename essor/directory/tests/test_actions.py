"""Each state transition of the contribution workflow: audit entries with before/after, e-mails
to the author with the reason, events sent after commit."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from essor.accounts.models import AuditEntry
from essor.directory import actions, events
from essor.directory.enums import ClaimStatus, ModerationStatus, VersionStatus
from essor.directory.models import Actor
from essor.directory.tests import factories as f

pytestmark = pytest.mark.django_db


def entries(actor, action):
    return AuditEntry.objects.filter(target_id=str(actor.pk), action=action)


@pytest.fixture
def received():
    got = {"changed": [], "removed": []}

    def on_changed(sender, actor, **kwargs):
        got["changed"].append(actor.pk)

    def on_removed(sender, actor, **kwargs):
        got["removed"].append(actor.pk)

    events.actor_changed.connect(on_changed)
    events.actor_removed.connect(on_removed)
    yield got
    events.actor_changed.disconnect(on_changed)
    events.actor_removed.disconnect(on_removed)


def test_a_new_actor_without_siret_is_a_pending_project(people):
    version = actions.propose_actor(
        f.values(life_stage="actif"), author_email="auteur@exemple.fr", author_name="Alex"
    )
    actor = version.actor
    assert actor.status == ModerationStatus.PENDING
    assert actor.life_stage == "en_projet"  # no SIRET: a project
    assert actor.slug == f"p-{actor.pk}"
    assert version.kind == "creation" and version.status == VersionStatus.PENDING
    entry = entries(actor, "directory.actor.proposed").get()
    assert entry.changes["name"] == [None, "Atelier vélo solidaire"]
    assert entry.changes["status"] == [None, "pending"]


def test_an_anonymous_proposal_needs_an_email(people):
    with pytest.raises(ValidationError):
        actions.propose_actor(f.values())


def test_approving_a_creation_validates_audits_and_tells_the_author(
    people, django_capture_on_commit_callbacks, received
):
    version = actions.propose_actor(f.values(), author_email="auteur@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_version(version, by=people["moderator"], reason="Bienvenue !")
    actor = Actor.objects.get(pk=version.actor_id)
    assert actor.status == ModerationStatus.VALIDATED
    entry = entries(actor, "directory.version.approved").get()
    assert entry.actor == people["moderator"]
    assert entry.changes["status"] == ["pending", "validated"]
    assert entry.organisation == people["org"]
    assert mail.outbox[-1].to == ["auteur@exemple.fr"]
    assert "acceptée" in mail.outbox[-1].subject and "Bienvenue !" in mail.outbox[-1].body
    assert received["changed"] == [actor.pk]


def test_a_change_is_pending_then_applied_on_approval(people, django_capture_on_commit_callbacks):
    actor = f.validated_actor(people["moderator"])
    version = actions.propose_change(
        actor, {"description": "Nouvelle description.", "name": actor.name}, by=people["outsider"]
    )
    assert version.data == {"description": "Nouvelle description."}  # only what changes
    actor.refresh_from_db()
    assert actor.status == ModerationStatus.MODIFIED_PENDING
    assert actor.description == "Réparation de vélos par et pour les habitants."  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_version(version, by=people["moderator"])
    actor.refresh_from_db()
    version.refresh_from_db()
    assert actor.status == ModerationStatus.VALIDATED
    assert actor.description == "Nouvelle description."
    assert version.previous == {"description": "Réparation de vélos par et pour les habitants."}
    entry = entries(actor, "directory.version.approved").latest("id")
    assert entry.changes["description"] == [
        "Réparation de vélos par et pour les habitants.",
        "Nouvelle description.",
    ]
    assert entry.changes["status"] == ["modified_pending", "validated"]
    assert mail.outbox[-1].to == ["outsider@exemple.fr"]


def test_refusing_a_change_needs_a_reason_and_restores_the_status(
    people, django_capture_on_commit_callbacks
):
    actor = f.validated_actor(people["moderator"])
    version = actions.propose_change(actor, {"website": "https://velo.example"}, by=people["agent"])
    with pytest.raises(ValidationError):
        actions.refuse_version(version, by=people["moderator"], reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        actions.refuse_version(version, by=people["moderator"], reason="Site introuvable.")
    actor.refresh_from_db()
    assert actor.status == ModerationStatus.VALIDATED and actor.website == ""
    entry = entries(actor, "directory.version.refused").get()
    assert entry.changes["status"] == ["modified_pending", "validated"]
    assert entry.changes["reason"] == [None, "Site introuvable."]
    assert "refusée" in mail.outbox[-1].subject and "Site introuvable." in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        actions.approve_version(version, by=people["moderator"])


def test_refusing_a_creation_refuses_the_actor(people):
    version = actions.propose_actor(f.values(), author_email="auteur@exemple.fr")
    actions.refuse_version(version, by=people["moderator"], reason="Hors ESS.")
    assert Actor.objects.get(pk=version.actor_id).status == ModerationStatus.REFUSED


def test_two_pending_changes_keep_the_actor_modified_pending(people):
    actor = f.validated_actor(people["moderator"])
    first = actions.propose_change(actor, {"public_phone": "02 40 00 00 00"}, by=people["agent"])
    actions.propose_change(actor, {"opening_hours": "Lundi 9h-12h"}, by=people["outsider"])
    actions.approve_version(first, by=people["moderator"])
    actor.refresh_from_db()
    assert actor.status == ModerationStatus.MODIFIED_PENDING
    assert actor.public_phone == "02 40 00 00 00"


def test_a_moderator_of_another_territory_cannot_moderate(people):
    version = actions.propose_actor(f.values(), author_email="auteur@exemple.fr")
    for person in ("other_moderator", "agent", "claimant", "outsider"):
        with pytest.raises(PermissionDenied):
            actions.approve_version(version, by=people[person])
    actions.approve_version(version, by=people["admin"])  # an admin of the territory may
    assert Actor.objects.get(pk=version.actor_id).status == ModerationStatus.VALIDATED


def test_no_change_is_refused(people):
    actor = f.validated_actor(people["moderator"])
    with pytest.raises(ValidationError):
        actions.propose_change(actor, {"name": actor.name}, by=people["agent"])


def test_bad_values_are_refused_with_the_field(people):
    actor = f.validated_actor(people["moderator"])
    for values in (
        {"themes": ["inconnu"]},
        {"website": "javascript:alert(1)"},
        {"commune": "99999"},
        {"postal_code": "4400"},
        {"lat": "95"},
        {"intervention_radius_km": 9999},
    ):
        with pytest.raises(ValidationError) as error:
            actions.propose_change(actor, values, by=people["agent"])
        assert set(error.value.message_dict) == set(values)


def test_a_claim_is_verified_at_once_on_the_website_domain(people):
    actor = f.validated_actor(people["moderator"], website="https://www.velo-nantes.org/")
    member = f.user("presidente@velo-nantes.org")
    claim = actions.claim_actor(actor, by=member, role_in_structure="Présidente")
    assert claim.status == ClaimStatus.VERIFIED and claim.method == "email_domain"
    version = actions.propose_change(actor, {"description": "Par la structure."}, by=member)
    assert version.by_structure is True
    assert version.status == VersionStatus.PENDING  # still moderated
    other = actions.propose_change(actor, {"public_phone": "0240"}, by=people["outsider"])
    assert other.by_structure is False


def test_a_claim_is_checked_by_a_moderator_who_can_refuse_with_a_reason(
    people, django_capture_on_commit_callbacks
):
    actor = f.validated_actor(people["moderator"], website="https://velo.example")
    claim = actions.claim_actor(actor, by=people["claimant"], role_in_structure="Salariée")
    assert claim.status == ClaimStatus.PENDING and claim.method == "moderator"
    with pytest.raises(ValidationError):
        actions.claim_actor(actor, by=people["claimant"], role_in_structure="Salariée")
    with pytest.raises(PermissionDenied):
        actions.decide_claim(claim, by=people["other_moderator"], accept=True)
    with pytest.raises(ValidationError):
        actions.decide_claim(claim, by=people["moderator"], accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_claim(claim, by=people["moderator"], accept=False, reason="Inconnue.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REFUSED
    assert entries(actor, "directory.claim.refused").get().changes["claim_status"] == [
        "pending",
        "refused",
    ]
    assert mail.outbox[-1].to == ["claimant@exemple.fr"] and "Inconnue." in mail.outbox[-1].body


def test_error_reports_are_recorded_and_closed(people):
    actor = f.validated_actor(people["moderator"])
    report = actions.report_error(actor, message="Adresse fausse.", email="a@exemple.fr")
    with pytest.raises(PermissionDenied):
        actions.close_report(report, by=people["other_moderator"])
    actions.close_report(report, by=people["moderator"])
    report.refresh_from_db()
    assert report.closed_by == people["moderator"]
    assert entries(actor, "directory.error_report.closed").exists()


def test_custom_values_are_checked_and_audited(people):
    actor = f.validated_actor(people["moderator"])
    field = actions.create_custom_field(
        people["org"], key="suivi", label="Suivi", kind="choice", choices=["oui", "non"], by=None
    )
    with pytest.raises(ValidationError):
        actions.set_custom_value(actor, field, "peut-être", by=people["agent"])
    with pytest.raises(PermissionDenied):
        actions.set_custom_value(actor, field, "oui", by=people["claimant"])
    actions.set_custom_value(actor, field, "oui", by=people["agent"])
    actions.set_custom_value(actor, field, "non", by=people["agent"])
    entry = entries(actor, "directory.custom_value.set").latest("id")
    assert entry.changes == {f"custom:{people['org'].pk}:suivi": ["oui", "non"]}


def test_ptce_members_and_removal(people, django_capture_on_commit_callbacks, received):
    ptce = f.validated_actor(people["moderator"], name="Pôle des Communs", kind="ptce")
    member = f.validated_actor(people["moderator"], name="Ressourcerie")
    with pytest.raises(ValidationError):
        actions.add_ptce_member(member, ptce, by=people["moderator"])  # not a PTCE
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_ptce_member(ptce, member, by=people["moderator"])
    assert list(ptce.ptce_members.values_list("member__name", flat=True)) == ["Ressourcerie"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_actor(member, by=people["moderator"], reason="Fermée.")
    member.refresh_from_db()
    assert member.status == ModerationStatus.REMOVED
    assert received["removed"] == [member.pk]
    assert entries(member, "directory.actor.removed").get().changes["status"] == [
        "validated",
        "removed",
    ]


def test_an_actor_row_is_created_from_sirene_on_first_use(people, sirene):
    siren = sirene["scop"].siren
    actor = actions.actor_for_siren(siren)
    assert actor.slug == siren and actor.status == ModerationStatus.VALIDATED
    assert actor.commune_id == "44109" and actor.name == "SCOP LE PEDALIER"
    assert actions.actor_for_siren(siren) == actor
    with pytest.raises(ValidationError):
        actions.actor_for_siren("123456789")


def test_a_moderator_approving_their_own_proposal_gets_no_email(
    people, django_capture_on_commit_callbacks
):
    # An import approves one version per row on behalf of the importing moderator: one e-mail
    # per row to that same person was noise.
    version = actions.propose_actor(f.values(), by=people["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_version(version, by=people["moderator"])
    assert Actor.objects.get(pk=version.actor_id).status == ModerationStatus.VALIDATED
    assert mail.outbox == []
