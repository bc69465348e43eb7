import pytest
from django.core.exceptions import ValidationError

from essor.accounts.models import AuditEntry, User
from essor.territories.actions import create_perimeter, update_perimeter_communes
from essor.territories.models import Perimeter


@pytest.fixture
def officer(db):
    return User.objects.create_user("agent@example.org", "x")


def test_create_perimeter_stores_communes_and_audits(france, officer):
    perimeter = create_perimeter(
        "Contrat de ville", ["44109", "44162", "75101"], actor=officer, description="2024-2030"
    )
    assert perimeter.slug == "contrat-de-ville"
    assert sorted(perimeter.communes.values_list("code", flat=True)) == [
        "44109",
        "44162",
        "75056",
    ]
    entry = AuditEntry.objects.get(action="territories.perimeter.created")
    assert entry.actor == officer
    assert entry.target_id == str(perimeter.pk)
    assert entry.changes["communes"] == [None, ["44109", "44162", "75056"]]


def test_unknown_commune_code_is_named_and_nothing_is_written(france, officer):
    with pytest.raises(ValidationError, match="99999"):
        create_perimeter("Pays", ["44109", "99999"], actor=officer)
    assert not Perimeter.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="territories.").exists()


def test_same_name_gets_a_distinct_slug(france, officer):
    create_perimeter("Pays", ["44109"], actor=officer)
    assert create_perimeter("Pays", ["44162"], actor=officer).slug == "pays-2"


def test_update_perimeter_communes_audits_added_and_removed(france, officer):
    perimeter = create_perimeter("Pays", ["44109", "44162"], actor=officer)
    update_perimeter_communes(perimeter, ["44109", "44184"], actor=officer)
    assert sorted(perimeter.communes.values_list("code", flat=True)) == ["44109", "44184"]
    entry = AuditEntry.objects.get(action="territories.perimeter.communes_updated")
    assert entry.changes["added"] == ["44184"]
    assert entry.changes["removed"] == ["44162"]


def test_update_with_same_communes_writes_no_audit(france, officer):
    perimeter = create_perimeter("Pays", ["44109"], actor=officer)
    update_perimeter_communes(perimeter, ["44109"], actor=officer)
    assert AuditEntry.objects.filter(action__startswith="territories.").count() == 1


def test_empty_perimeter_is_refused(france, officer):
    with pytest.raises(ValidationError, match="au moins une commune"):
        create_perimeter("Vide", [], actor=officer)
