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


def test_editing_a_draft_criterion_in_the_admin_is_audited(staff, draft):
    import json

    category = draft.categories.get(title="A")
    rows = list(category.criteria.order_by("position"))
    data = {
        "title": "A",
        "description": "",
        "position": "0",
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(len(rows)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"criteria-{i}-id": str(row.pk),
                f"criteria-{i}-category": str(category.pk),
                f"criteria-{i}-label": row.label + (" révisé" if i == 0 else ""),
                f"criteria-{i}-guidance": row.guidance,
                f"criteria-{i}-scale": json.dumps(row.scale),
                f"criteria-{i}-weight": str(row.weight),
                f"criteria-{i}-required": "on" if row.required else "",
                f"criteria-{i}-position": str(row.position),
            }
        )
    response = staff.post(f"/admin/innovation/category/{category.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert category.criteria.filter(label="A1 révisé").exists()
    entries = AuditEntry.objects.filter(action="innovation.criterion.updated", source="admin")
    entry = entries.get()
    assert entry.changes == {"label": ["A1", "A1 révisé"]}
    data["criteria-0-scale"] = json.dumps([{"value": 2, "label": "x"}, {"value": 1, "label": "y"}])
    response = staff.post(f"/admin/innovation/category/{category.pk}/change/", data)
    assert response.status_code == 200  # decreasing scale refused


def test_creating_a_grid_in_the_admin_adds_a_draft_version_and_is_audited(staff):
    from essor.innovation.models import Grid

    response = staff.post(
        "/admin/innovation/grid/add/",
        {
            "name": "Grille du comité",
            "slug": "grille-du-comite",
            "description": "",
            "organisation": "",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    grid = Grid.objects.get(slug="grille-du-comite")
    assert list(grid.versions.values_list("number", "published_at")) == [(1, None)]
    entry = AuditEntry.objects.get(action="innovation.grid.created", target_id=grid.pk)
    assert entry.source == "admin" and entry.changes["name"] == [None, "Grille du comité"]
