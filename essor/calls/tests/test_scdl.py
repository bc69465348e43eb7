import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essor.calls import scdl, tableschema
from essor.calls.actions import calls as call_actions
from essor.calls.actions import grants, instruction, reviews
from essor.calls.enums import ApplicationState as S
from essor.calls.enums import PaymentKind
from essor.calls.tests import factories as f

pytestmark = pytest.mark.django_db
SCHEMA_FILE = "scdl_subventions_2.0.0.json"
EXPECTED_COLUMNS = (
    "nomAttribuant idAttribuant dateConvention referenceDecision nomBeneficiaire idBeneficiaire "
    "objet montant nature conditionsVersement datesPeriodeVersement idRAE notificationUE "
    "pourcentageSubvention"
).split()


def accept(people, call, amount: str, convention_date=datetime.date(2031, 5, 2)):
    application = f.admissible(call, people["applicant"], people["agent"])
    instruction.assign_reviewer(application, people["reviewer"], actor=people["agent"])
    instruction.declare_conflict(application, has_conflict=False, actor=people["reviewer"])
    reviews.save_review(application, f.full_scores(call.grid_version), actor=people["reviewer"])
    instruction.close_reviews(application, actor=people["agent"])
    instruction.send_to_committee(application, actor=people["agent"], amount_proposed=amount)
    instruction.decide_application(
        application,
        decision=S.ACCEPTED,
        amount_granted=amount,
        actor=people["admin"],
        convention_date=convention_date,
    )
    return application


@pytest.fixture
def exported(people, call):
    call_actions.save_call_settings(
        people["org"], official_name="Nantes Métropole", siret=f.siret(7), actor=people["admin"]
    )
    accept(people, call, "15000")
    second = accept(people, call, "8250.50", convention_date=datetime.date(2031, 6, 1))
    grants.set_payment_schedule(
        second.grant,
        [
            (PaymentKind.ADVANCE, Decimal("5000"), datetime.date(2031, 6, 15)),
            (PaymentKind.BALANCE, Decimal("3250.50"), datetime.date(2032, 6, 15)),
        ],
        actor=people["agent"],
    )
    return scdl.to_csv(scdl.rows(people["org"]))


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_export_has_the_fourteen_columns_in_order(exported):
    header, *rows = parsed(exported)
    assert header == EXPECTED_COLUMNS == scdl.COLUMNS
    assert len(rows) == 2


def test_every_row_passes_the_schema(exported):
    schema = tableschema.load(SCHEMA_FILE)
    header, *rows = parsed(exported)
    assert [field["name"] for field in schema["fields"]] == EXPECTED_COLUMNS
    for row in rows:
        assert tableschema.row_errors(schema, header, row) == []


def test_every_row_passes_frictionless(exported, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    path = tmp_path / "subventions.csv"
    path.write_text(exported, encoding="utf-8")
    schema = frictionless.Schema.from_descriptor(tableschema.load(SCHEMA_FILE))
    report = frictionless.validate(
        frictionless.Resource(path=path.name, basepath=str(tmp_path), schema=schema)
    )
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_values_follow_the_scdl_rules(exported, people):
    header, first, second = parsed(exported)
    row = dict(zip(header, first, strict=True))
    assert row["nomAttribuant"] == "Nantes Métropole"
    assert row["idAttribuant"] == f.siret(7)
    assert row["dateConvention"] == "2031-05-02"
    assert row["montant"] == "15000"
    assert row["nature"] == "aide en numéraire"
    assert row["conditionsVersement"] == "unique"
    assert row["datesPeriodeVersement"] == "2031-05-02"
    assert row["notificationUE"] == "non"
    assert row["pourcentageSubvention"] == "1"
    assert row["referenceDecision"] == row["idRAE"] == ""
    staggered = dict(zip(header, second, strict=True))
    assert staggered["montant"] == "8250.5"
    assert staggered["conditionsVersement"] == "échelonné"
    assert staggered["datesPeriodeVersement"] == "2031-06-15/2032-06-15"


BAD_VALUES = [
    ("idAttribuant", "1234", "motif"),
    ("dateConvention", "02/05/2031", "Invalid isoformat"),
    ("montant", "15000,00", "point décimal"),
    ("nature", "aide", "hors de la liste"),
    ("datesPeriodeVersement", "2031-05-02 2031-06-01", "motif"),
    ("idRAE", "123456", "plus de 5"),
    ("notificationUE", "true", "booléen"),
    ("pourcentageSubvention", "0", "inférieur"),
    ("pourcentageSubvention", "1.5", "supérieur"),
    ("objet", "", "obligatoire"),
]


def test_the_schema_rejects_bad_values(exported):
    """One export, each column broken in turn: exactly one error, on that column."""
    schema = tableschema.load(SCHEMA_FILE)
    header, first, _second = parsed(exported)
    for column, value, message in BAD_VALUES:
        row = list(first)
        row[header.index(column)] = value
        errors = tableschema.row_errors(schema, header, row)
        assert len(errors) == 1, (column, errors)
        assert errors[0].startswith(column) and message in errors[0], (column, errors)


def test_the_export_needs_the_granting_siret(people):
    with pytest.raises(ValidationError, match="SIRET de l'attribuant"):
        scdl.rows(people["org"])


def test_refused_applications_are_not_exported(people, call):
    call_actions.save_call_settings(
        people["org"], official_name="Nantes Métropole", siret=f.siret(7), actor=people["admin"]
    )
    f.submitted(call, people["applicant"])
    assert scdl.rows(people["org"]) == []


def test_frictionless_catches_a_broken_row(exported, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    broken = exported.replace("aide en numéraire", "aide", 1).replace(",non,", ",peut-être,", 1)
    path = tmp_path / "subventions.csv"
    path.write_text(broken, encoding="utf-8")
    schema = frictionless.Schema.from_descriptor(tableschema.load(SCHEMA_FILE))
    report = frictionless.validate(
        frictionless.Resource(path=path.name, basepath=str(tmp_path), schema=schema)
    )
    errors = report.flatten(["fieldName", "type"])
    assert ["nature", "constraint-error"] in errors
    assert ["notificationUE", "type-error"] in errors
