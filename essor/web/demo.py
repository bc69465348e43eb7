"""Builds the demo: referential, a synthetic Nantes Métropole, a demo organisation and accounts."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from essor.accounts import actions as account_actions
from essor.accounts.enums import OrganisationKind, Role
from essor.accounts.models import Organisation, User
from essor.sirene.models import ImportRun
from essor.territories.models import Commune

DEMO_EPCI_SIREN = "244400404"  # Nantes Métropole
DEMO_PASSWORD = "essor-demo"
DEMO_ACCOUNTS = [
    ("admin@essor.demo", "Administratrice de la démo", None),
    ("agent@essor.demo", "Chargée de mission ESS", Role.AGENT),
    ("moderation@essor.demo", "Modérateur de l'annuaire", Role.MODERATOR),
    ("evaluation@essor.demo", "Évaluatrice des appels à projets", Role.REVIEWER),
    ("structure@essor.demo", "Membre d'une structure de l'ESS", Role.STRUCTURE_MEMBER),
]


def ensure_referential(stdout, rebuild: bool) -> None:
    if rebuild or not Commune.objects.exists():
        call_command("load_referentials", stdout=stdout)


def ensure_sirene(stdout, establishments: int, seed: int, rebuild: bool) -> None:
    if not rebuild and ImportRun.objects.filter(is_current=True).exists():
        return call_command("reindex_directory", stdout=stdout)  # import done: index only
    out = settings.VAR_DIR / "demo" / "sirene"
    call_command(
        "synth_sirene",
        "--perimeter",
        DEMO_EPCI_SIREN,
        "--establishments",
        str(establishments),
        "--seed",
        str(seed),
        "--out",
        str(out),
        stdout=stdout,
    )
    call_command(
        "import_sirene",
        "--unites-legales",
        str(out / "StockUniteLegale_utf8.csv"),
        "--etablissements",
        str(out / "StockEtablissement_utf8.csv"),
        "--force",
        stdout=stdout,
    )


@transaction.atomic
def ensure_organisation_and_accounts() -> Organisation:
    organisation = Organisation.objects.filter(siren=DEMO_EPCI_SIREN).first()
    if organisation is None:
        communes = Commune.objects.filter(epci_id=DEMO_EPCI_SIREN, kind="COM")
        organisation = account_actions.create_organisation(
            name="Nantes Métropole (démo)",
            kind=OrganisationKind.COLLECTIVITE,
            siren=DEMO_EPCI_SIREN,
            communes=list(communes),
            actor=None,
            source="command:demo",
        )
    for email, full_name, role in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            staff = role is None
            user = User.objects.create_user(
                email, DEMO_PASSWORD, full_name=full_name, is_staff=staff, is_superuser=staff
            )
        account_actions.add_member(
            organisation, user, role or Role.ADMIN, actor=None, source="command:demo"
        )
    return organisation


DEMO_CALL_TITLE = "Alimentation durable et solidaire 2027 (démo)"


@transaction.atomic
def ensure_demo_call(organisation: Organisation) -> None:
    """A published call for projects, so that the calls pages have something to show."""
    from essor.calls.actions import calls as call_actions
    from essor.calls.enums import CallKind, FieldKind
    from essor.calls.models import Call
    from essor.ess.themes import Theme

    if Call.objects.filter(organisation=organisation, title=DEMO_CALL_TITLE).exists():
        return
    now = timezone.now()
    call = call_actions.create_call(
        organisation,
        actor=None,
        source="command:demo",
        kind=CallKind.PROJECTS,
        title=DEMO_CALL_TITLE,
        description=(
            "Appel à projets fictif de la démonstration : soutien aux projets de l'ESS qui "
            "rapprochent producteurs locaux et habitant·es des quartiers prioritaires."
        ),
        themes=[Theme.FOOD, Theme.INSERTION],
        envelope=Decimal("150000"),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=60),
    )
    call_actions.add_form_field(
        call,
        label="Présentez votre projet en quelques lignes",
        kind=FieldKind.LONG_TEXT,
        required=True,
        actor=None,
        source="command:demo",
    )
    call_actions.publish_call(call, actor=None, source="command:demo")
