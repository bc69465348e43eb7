import pytest
from django.urls import reverse

from essor.ess.models import ListEntry, ListImport, SiaeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    record = ListImport.objects.create(kind="esus", source="x.csv", is_current=True)
    ListEntry.objects.create(kind="esus", siren="301123741", name="CTRE", list_import=record)
    SiaeEntry.objects.create(
        siret="30112374100011", siren="301123741", kind="EI", name="CTRE", list_import=record
    )
    return record


@pytest.mark.parametrize("model", [ListImport, ListEntry, SiaeEntry])
def test_admin_lists_search_and_are_read_only(admin_client, lists, model):
    url = reverse(f"admin:ess_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"q": "301"})
    assert response.status_code == 200
    add = reverse(f"admin:ess_{model._meta.model_name}_add")
    assert admin_client.get(add).status_code == 403
