import pytest

from essor.accounts.models import AuditEntry, User
from essor.innovation.models import Assessment, Criterion
from essor.innovation.tests.conftest import criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    User.objects.create_superuser("admin@exemple.fr", "motdepasse-solide")
    client.login(email="admin@exemple.fr", password="motdepasse-solide")
    return client


def test_grid_pages_open(staff, default_version):
    assert staff.get("/admin/innovation/grid/").status_code == 200
    page = staff.get(f"/admin/innovation/grid/{default_version.grid_id}/change/")
    assert page.status_code == 200


def test_published_version_is_read_only(staff, default_version):
    url = f"/admin/innovation/gridversion/{default_version.pk}/change/"
    page = staff.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "Besoins sociaux et implication des acteurs" in html
    staff.post(url, {"notes": "modifié"})
    default_version.refresh_from_db()
    assert default_version.notes != "modifié"
    category = default_version.categories.first()
    page = staff.get(f"/admin/innovation/category/{category.pk}/change/")
    assert 'name="_save"' not in page.content.decode()


def test_draft_version_is_editable_and_publishable_from_the_admin(staff, draft):
    page = staff.get(f"/admin/innovation/gridversion/{draft.pk}/change/")
    assert 'name="_save"' in page.content.decode()
    category = draft.categories.first()
    page = staff.get(f"/admin/innovation/category/{category.pk}/change/")
    assert 'name="criteria-0-scale"' in page.content.decode()
    response = staff.post(
        "/admin/innovation/gridversion/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_frozen
    entry = AuditEntry.objects.get(action="innovation.version.published", target_id=draft.pk)
    assert entry.source == "admin"


def test_new_version_action_copies_a_published_version(staff, published):
    staff.post(
        "/admin/innovation/gridversion/",
        {"action": "copy_as_new_version", "_selected_action": [published.pk]},
    )
    copy = published.grid.versions.get(number=2)
    assert not copy.is_frozen
    assert sorted(criteria(copy)) == sorted(criteria(published))


def test_assessments_are_read_only(staff, published, reviewer):
    from essor.innovation import actions

    a1 = Criterion.objects.get(category__version=published, label="A1")
    assessment = actions.save_assessment(
        published, {a1.pk: 2}, author=reviewer, subject_type="s", subject_id="1"
    )
    page = staff.get(f"/admin/innovation/assessment/{assessment.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    staff.post(f"/admin/innovation/assessment/{assessment.pk}/delete/", {"post": "yes"})
    assert Assessment.objects.filter(pk=assessment.pk).exists()
