import pytest

from essor.accounts.models import User


@pytest.fixture
def admin_client_(client, db):
    user = User.objects.create_superuser("admin@example.org", "x")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/territories/commune/?q=44000",
        "/admin/territories/epci/",
        "/admin/territories/departement/",
        "/admin/territories/region/",
        "/admin/territories/communealias/",
        "/admin/territories/qpv/",
        "/admin/territories/perimeter/",
        "/admin/territories/referentialload/",
        "/admin/territories/commune/44109/change/",
    ],
)
def test_admin_pages_render(france, admin_client_, url):
    response = admin_client_.get(url)
    assert response.status_code == 200


def test_commune_list_finds_by_postal_code_without_showing_contours(france, admin_client_):
    response = admin_client_.get("/admin/territories/commune/?q=44000")
    assert "Nantes" in response.text
    assert '"coordinates"' not in response.text
