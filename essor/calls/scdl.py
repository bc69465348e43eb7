"""Granted subsidies in the SCDL « subventions » 2.0.0 format (docs/domain.md §0ter): 14 columns,
exactly named and ordered; missing optional values are empty strings."""

import csv
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from essor.calls.enums import ApplicationState
from essor.calls.models import CallSettings, Grant

COLUMNS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
]
CASH = "aide en numéraire"


def format_decimal(value: Decimal) -> str:
    """Plain notation with a decimal point and no exponent: 15000.00 → "15000", 0.5 → "0.5"."""
    text = format(Decimal(value).normalize(), "f")
    return text


def payment_terms(grant: Grant) -> tuple[str, str]:
    """(conditionsVersement, datesPeriodeVersement) from the payment schedule."""
    dates = sorted(p.paid_on or p.due_on for p in grant.payments.all())
    if not dates:
        return "unique", grant.convention_date.isoformat()
    if len(dates) == 1:
        return "unique", dates[0].isoformat()
    return "échelonné", f"{dates[0].isoformat()}/{dates[-1].isoformat()}"


def grants_of(organisation):
    return (
        Grant.objects.filter(
            application__call__organisation=organisation,
            application__state=ApplicationState.ACCEPTED,
        )
        .select_related("application__call")
        .prefetch_related("payments")
        .order_by("convention_date", "pk")
    )


def row(grant: Grant, granting: CallSettings) -> dict[str, str]:
    application = grant.application
    conditions, dates = payment_terms(grant)
    return {
        "nomAttribuant": granting.official_name,
        "idAttribuant": granting.siret,
        "dateConvention": grant.convention_date.isoformat(),
        "referenceDecision": grant.decision_reference,
        "nomBeneficiaire": application.structure_name,
        "idBeneficiaire": application.siret,
        "objet": grant.purpose[:256],
        "montant": format_decimal(grant.amount),
        "nature": CASH,
        "conditionsVersement": conditions,
        "datesPeriodeVersement": dates,
        "idRAE": grant.rae_id,
        "notificationUE": "oui" if grant.eu_notification else "non",
        "pourcentageSubvention": format_decimal(grant.share),
    }


def granting_settings(organisation) -> CallSettings:
    granting = CallSettings.objects.filter(organisation=organisation).first()
    if granting is None:
        raise ValidationError(
            _(
                "Renseignez d'abord le nom officiel et le SIRET de l'attribuant (réglages des appels)."
            )
        )
    return granting


def rows(organisation) -> list[dict[str, str]]:
    granting = granting_settings(organisation)
    return [row(grant, granting) for grant in grants_of(organisation)]


def to_csv(records: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
