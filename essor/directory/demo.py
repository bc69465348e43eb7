"""Directory content of the demo, so that the demo organisation's moderators have something to
see: a few contributed profiles of Sirene structures, one pending change, one claim by
structure@essor.demo, and one PTCE (a project without SIRET) with members. Idempotent."""

from django.db import transaction
from django.test.utils import override_settings

from essor.accounts.models import Organisation, User
from essor.directory import actions
from essor.directory.enums import ClaimStatus
from essor.directory.models import Actor, ActorClaim
from essor.ess.themes import Theme
from essor.sirene.models import Establishment, ImportRun

SOURCE = "command:demo"
PTCE_NAME = "Pôle des coopérations nantaises (démo)"
PROFILES = [
    (
        "Atelier de réemploi et de réparation ouvert à tous, avec des permanences d'insertion.",
        [Theme.CIRCULAR, Theme.INSERTION],
        "Du mardi au samedi, 10 h – 18 h",
    ),
    (
        "Épicerie solidaire : produits locaux à prix adaptés, ateliers cuisine.",
        [Theme.FOOD],
        "Lundi, mercredi et vendredi, 14 h – 19 h",
    ),
    (
        "Accompagnement au numérique et reconditionnement d'ordinateurs.",
        [Theme.DIGITAL, Theme.INSERTION],
        "Sur rendez-vous",
    ),
    (
        "Coopérative d'habitants et conseil en rénovation énergétique.",
        [Theme.HOUSING, Theme.ENERGY],
        "",
    ),
]


def _demo_sirens(organisation: Organisation, count: int) -> list[str]:
    run = ImportRun.objects.current()
    if run is None:
        return []
    communes = list(organisation.communes.values_list("code", flat=True))
    rows = (
        Establishment.objects.filter(
            run=run,
            commune_code__in=communes,
            is_head_office=True,
            state="A",
            lat__isnull=False,
        )
        .exclude(diffusion="P")
        .order_by("siret")
        .values_list("siren", flat=True)[: count * 4]
    )
    sirens = []
    for siren in rows:
        if siren not in sirens and not Actor.objects.filter(siren=siren).exists():
            sirens.append(siren)
        if len(sirens) == count:
            break
    return sirens


def seed_demo_directory(stdout=None) -> None:
    # The demo's decisions are made by the system: no e-mail to the fictitious authors.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _seed(stdout)


@transaction.atomic
def _seed(stdout) -> None:
    organisation = Organisation.objects.filter(siren="244400404").first()
    moderator = User.objects.filter(email="moderation@essor.demo").first()
    member = User.objects.filter(email="structure@essor.demo").first()
    if organisation is None or moderator is None or Actor.objects.filter(name=PTCE_NAME).exists():
        return
    sirens = _demo_sirens(organisation, len(PROFILES) + 2)
    profiled = []
    for siren, (description, themes, hours) in zip(sirens, PROFILES, strict=False):
        actor = actions.actor_for_siren(siren, by=None, source=SOURCE)
        version = actions.propose_change(
            actor,
            {"description": description, "themes": themes, "opening_hours": hours},
            author_email="contribution@essor.demo",
            source=SOURCE,
        )
        actions.approve_version(version, by=moderator, source=SOURCE)
        profiled.append(actor)
    rest = sirens[len(PROFILES) :]
    if rest:
        pending = actions.actor_for_siren(rest[0], by=None, source=SOURCE)
        actions.propose_change(
            pending,
            {"description": "Proposition en attente : nouvelle présentation de la structure."},
            author_email="habitante@essor.demo",
            comment="Je suis bénévole dans cette association.",
            source=SOURCE,
        )
    if len(rest) > 1 and member is not None:
        claimed = actions.actor_for_siren(rest[1], by=None, source=SOURCE)
        if not ActorClaim.objects.filter(
            actor=claimed, user=member, status=ClaimStatus.PENDING
        ).exists():
            actions.claim_actor(
                claimed, by=member, role_in_structure="Coordinatrice", source=SOURCE
            )
    commune = organisation.communes.filter(code="44109").first() or organisation.communes.first()
    if commune is None:
        return
    version = actions.propose_actor(
        {
            "name": PTCE_NAME,
            "kind": "ptce",
            "description": (
                "Pôle territorial de coopération économique fictif de la démonstration : "
                "des structures de l'ESS qui mutualisent locaux, achats et compétences."
            ),
            "commune": commune.code,
            "lat": commune.lat,
            "lon": commune.lon,
            "themes": [Theme.CIRCULAR, Theme.FOOD],
        },
        by=moderator,
        source=SOURCE,
    )
    actions.approve_version(version, by=moderator, source=SOURCE)
    for actor in profiled:
        actions.add_ptce_member(version.actor, actor, by=moderator, source=SOURCE)
    if stdout is not None:
        stdout.write(
            f"Annuaire : {len(profiled)} fiches complétées, 1 PTCE, propositions à modérer sur "
            "/annuaire/moderation/"
        )
