"""Test data built through the actions, as a user would."""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from essor.accounts.actions import add_member, create_organisation
from essor.accounts.enums import OrganisationKind
from essor.accounts.models import User
from essor.calls.actions import applications as app_actions
from essor.calls.actions import calls as call_actions
from essor.calls.actions import instruction
from essor.calls.enums import CallKind, FieldKind
from essor.ess.themes import Theme
from essor.innovation.models import Criterion

_seq = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the check digit that makes it pass Luhn."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def siret(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return luhn_complete(f"{n + 100000000:09d}{n % 10000:04d}")


def user(email: str | None = None, **fields) -> User:
    email = email or f"personne{next(_seq)}@exemple.fr"
    return User.objects.create_user(email, "motdepasse-solide", **fields)


def organisation(name: str | None = None, **members) -> object:
    org = create_organisation(
        name=name or f"Métropole {next(_seq)}", kind=OrganisationKind.COLLECTIVITE, actor=None
    )
    for role, people in members.items():
        for person in people if isinstance(people, list | tuple) else [people]:
            add_member(org, person, role, actor=None)
    return org


def call(org, *, actor=None, publish=True, fields=True, **values):
    now = timezone.now()
    defaults = {
        "kind": CallKind.PROJECTS,
        "title": f"Appel à projets ESS {next(_seq)}",
        "description": "Soutenir les projets d'économie sociale et solidaire.",
        "themes": [Theme.CIRCULAR, Theme.FOOD],
        "envelope": Decimal("100000"),
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=30),
    }
    defaults.update(values)
    created = call_actions.create_call(org, actor=actor, **defaults)
    if fields:
        call_actions.add_form_field(
            created,
            label="Description du projet",
            kind=FieldKind.LONG_TEXT,
            required=True,
            actor=actor,
        )
    if publish:
        created = call_actions.publish_call(created, actor=actor)
    return created


def pdf(name: str = "statuts.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def draft(the_call, applicant, *, complete=True, **values):
    application = app_actions.start_application(
        the_call,
        siret=values.pop("siret", None) or siret(),
        actor=applicant,
        structure_name="Recyclerie du Centre",
    )
    if complete:
        answers = {f.key: "Un atelier de réparation." for f in the_call.fields.all()}
        application = app_actions.save_draft(
            application,
            expected_version=application.version,
            actor=applicant,
            project_title="Atelier vélo solidaire",
            amount_requested=Decimal("20000"),
            answers=answers,
            **values,
        )
        for label in the_call.required_documents:
            app_actions.attach_document(application, pdf(), label=label, actor=applicant)
    return application


def submitted(the_call, applicant, **values):
    application = draft(the_call, applicant, **values)
    return app_actions.submit_application(application, actor=applicant)


def admissible(the_call, applicant, staff, **values):
    application = submitted(the_call, applicant, **values)
    return instruction.declare_admissibility(application, admissible=True, actor=staff)


def full_scores(version, value: int | None = None) -> dict:
    criteria = Criterion.objects.filter(category__version=version)
    return {c.pk: (c.max_value if value is None else min(value, c.max_value), "") for c in criteria}
