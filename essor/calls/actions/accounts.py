"""Applicant accounts created from the calls pages."""

from django.db import transaction

from essor.accounts import audit
from essor.accounts.models import User


@transaction.atomic
def register_applicant(*, email: str, full_name: str, password: str, source: str = "web") -> User:
    user = User.objects.create_user(email, password, full_name=full_name)
    audit.record(
        user,
        "calls.applicant.registered",
        user,
        changes={"email": [None, user.email]},
        source=source,
    )
    return user
