"""The demo command builds everything a first visitor needs (without serving)."""

import pytest
from django.core.management import call_command

from essor.accounts.models import AuditEntry, Membership, User
from essor.calls.models import Call
from essor.sirene.models import ImportRun
from essor.territories.models import Commune
from essor.web import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    real = demo.ensure_referential
    monkeypatch.setattr(
        demo,
        "ensure_referential",
        lambda stdout, rebuild: (
            real(stdout, rebuild)
            if Commune.objects.exists()
            else call_command("load_referentials", "--departements", "44", stdout=stdout)
        ),
    )


def test_demo_builds_a_synthetic_nantes_metropole_with_accounts_and_a_call(small_demo, client):
    call_command("demo", "--no-serve", "--establishments", "2000")
    run = ImportRun.objects.get(is_current=True)
    assert run.is_synthetic and run.establishments_read == 2000
    assert User.objects.get(email="admin@essor.demo").is_superuser
    assert Membership.objects.filter(organisation__siren="244400404").count() == 5
    assert AuditEntry.objects.filter(source="command:demo").exists()
    assert Call.objects.filter(status="published").count() == 1
    page = client.get("/territoires/epci/244400404/").content.decode()
    assert "Données synthétiques" in page
    # Running it again changes nothing.
    call_command("demo", "--no-serve", "--establishments", "2000")
    assert ImportRun.objects.count() == 1
    assert Call.objects.count() == 1
    assert client.get("/appels/").status_code == 200
