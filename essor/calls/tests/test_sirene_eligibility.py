"""Eligibility read from the current Sirene import (legal-form family, commune) when the structure
is in it, and from the applicant's declaration otherwise; territory from the call or the
organisation's perimeter."""

import pytest
from django.urls import reverse

from essor.calls.actions import applications as app_actions
from essor.calls.eligibility import effective_structure, eligibility_problems
from essor.calls.tests import factories as f
from essor.ess.enums import EssFamily
from essor.sirene.models import Establishment, ImportRun, LegalUnit
from essor.territories.models import Commune, Departement, Region

pytestmark = pytest.mark.django_db
SIRET = f.siret(9090)


@pytest.fixture
def communes():
    region = Region.objects.create(code="52", name="Pays de la Loire")
    dep = Departement.objects.create(code="44", name="Loire-Atlantique", region=region)
    return [
        Commune.objects.create(code=code, name=name, kind="COM", departement=dep)
        for code, name in (
            ("44109", "Nantes"),
            ("44162", "Saint-Herblain"),
            ("44184", "Saint-Nazaire"),
        )
    ]


@pytest.fixture
def sirene():
    run = ImportRun.objects.create(is_current=True, status="success")
    unit = LegalUnit.objects.create(
        run=run,
        siren=SIRET[:9],
        diffusion="O",
        name="SCOP DU PORT",
        legal_category="5458",
        state="A",
        family=EssFamily.COOPERATIVE,
        in_statistique=True,
        in_loi2014=True,
    )
    Establishment.objects.create(
        run=run,
        legal_unit=unit,
        siret=SIRET,
        siren=SIRET[:9],
        diffusion="O",
        state="A",
        commune_code="44184",
    )


def test_sirene_data_prefill_and_override_the_declaration(people, call, sirene):
    application = app_actions.start_application(call, siret=SIRET, actor=people["applicant"])
    assert application.structure_name == "SCOP DU PORT"
    assert application.declared_family == EssFamily.COOPERATIVE
    app_actions.save_draft(
        application,
        expected_version=application.version,
        actor=people["applicant"],
        declared_family=EssFamily.ASSOCIATION,
    )
    application.refresh_from_db()
    structure = effective_structure(application)
    assert (structure.family, structure.commune, structure.source) == (
        EssFamily.COOPERATIVE,
        "44184",
        "sirene",
    )


def test_territory_follows_the_call_then_the_organisation(people, communes, sirene):
    org = people["org"]
    org.communes.set(communes[:2])  # Nantes, Saint-Herblain
    the_call = f.call(org, actor=people["agent"], eligible_families=[EssFamily.COOPERATIVE])
    application = f.draft(the_call, people["applicant"], siret=SIRET)
    assert eligibility_problems(application) == [
        "La structure n'est pas située sur le territoire de l'appel."
    ]
    wider = f.call(org, actor=people["agent"], communes=["44184"])
    assert eligibility_problems(f.draft(wider, people["applicant"], siret=SIRET)) == []


@pytest.mark.urls("essor.calls.tests.urls")
def test_the_siret_check_prefills_the_name(client, people, call, sirene):
    client.force_login(people["applicant"])
    page = client.get(reverse("calls:apply_start", args=[call.slug]), {"siret": SIRET})
    assert "SCOP DU PORT" in page.content.decode()
    page = client.get(reverse("calls:apply_start", args=[call.slug]), {"siret": "12345678901234"})
    assert "clé de contrôle" in page.content.decode()
