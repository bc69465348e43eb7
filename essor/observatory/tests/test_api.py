"""The territories API: search, metadata, indicators (headline + tables), errors in French JSON,
OpenAPI description and an offline docs page."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from essor.observatory.portrait import TABLE_SLUGS
from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401
from essor.sirene.models import ImportRun
from essor.territories.models import Qpv

pytestmark = pytest.mark.django_db

BASE = "/api/territories"


def test_indicators_of_an_epci(client, current_import):  # noqa: F811
    response = client.get(f"{BASE}/epci/244400404/indicators")
    assert response.status_code == 200
    data = response.json()
    assert data["territory"] == {"kind": "epci", "code": "244400404", "name": "Nantes Métropole"}
    assert data["perimeter"] == "statistique"
    assert response["Access-Control-Allow-Origin"] == "*"  # open data, read by other sites
    assert data["source"]["import_run"] == current_import.pk
    headline = data["headline"]
    assert headline["establishments"] == 4
    assert headline["employer_establishments"] == 2
    assert headline["estimated_employees"] == pytest.approx(36.0)
    assert headline["all_establishments"] == 100
    assert headline["share_establishments"] == pytest.approx(0.04)
    assert {"year": None, "establishments": 1} in headline["reference_years"]
    assert list(data["tables"]) == TABLE_SLUGS
    families = data["tables"]["familles"]
    assert [c["key"] for c in families["columns"]][0] == "famille"
    loi = client.get(f"{BASE}/epci/244400404/indicators?perimeter=loi2014").json()
    assert loi["headline"]["establishments"] == 5


def test_one_table_with_column_choice(client, current_import):  # noqa: F811
    response = client.get(
        f"{BASE}/epci/244400404/indicators/familles?columns=etablissements,famille"
    )
    assert response.status_code == 200
    table = response.json()["table"]
    assert [c["key"] for c in table["columns"]] == ["etablissements", "famille"]
    assert {r["famille"]: r["etablissements"] for r in table["rows"]} == {
        "association": 3,
        "cooperative": 1,
    }
    key_figures = client.get(f"{BASE}/commune/44109/indicators/chiffres_cles").json()
    values = {r["indicateur"]: r["valeur"] for r in key_figures["table"]["rows"]}
    assert values["etablissements"] == 2


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/epci/999999999/indicators", 404, "Territoire introuvable : epci 999999999."),
        ("/planete/1/indicators", 404, "Territoire introuvable : planete 1."),
        ("/epci/999999999", 404, "Territoire introuvable : epci 999999999."),
        ("/epci/244400404/indicators?perimeter=x", 422, "Périmètre inconnu « x »"),
        ("/epci/244400404/indicators/inconnu", 404, "Tableau inconnu « inconnu »"),
        ("/epci/244400404/indicators/familles?columns=nope", 400, "Colonnes possibles : famille"),
    ],
)
def test_errors_are_json_in_french(client, current_import, url, status, message):  # noqa: F811
    response = client.get(BASE + url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert message in response.json()["detail"]


def test_without_import_indicators_are_404(client, territory):  # noqa: F811
    assert not ImportRun.objects.exists()
    response = client.get(f"{BASE}/epci/244400404/indicators")
    assert response.status_code == 404
    assert "Aucun import Sirene" in response.json()["detail"]


def test_territory_metadata_and_parents(client, territory):  # noqa: F811
    commune = client.get(f"{BASE}/commune/44109").json()
    assert commune["name"] == "Nantes"
    assert commune["population"] == 1000
    assert [(p["kind"], p["code"]) for p in commune["parents"]] == [
        ("epci", "244400404"),
        ("departement", "44"),
        ("region", "52"),
        ("france", "FR"),
    ]
    assert commune["links"] == {
        "page": "/territoires/commune/44109/",
        "indicators": "/api/territories/commune/44109/indicators",
    }
    epci = client.get(f"{BASE}/epci/244400404").json()
    assert epci["kind_label"] == "Métropole"
    assert epci["communes"] == 2
    assert epci["population"] is None or epci["population"] >= 0
    assert [p["code"] for p in epci["parents"]] == ["44", "52", "FR"]
    qpv = Qpv.objects.create(
        code="QN04401M", name="Quartier", search_name="quartier", generation=2024
    )
    qpv.communes.add("44109")
    data = client.get(f"{BASE}/qpv/QN04401M").json()
    assert [(p["kind"], p["code"]) for p in data["parents"]] == [
        ("commune", "44109"),
        ("epci", "244400404"),
        ("departement", "44"),
        ("region", "52"),
        ("france", "FR"),
    ]
    france = client.get(f"{BASE}/france/FR").json()
    assert (france["population"], france["parents"]) == (2000, [])


def test_search(client, territory):  # noqa: F811
    results = client.get(f"{BASE}/search?q=nantes").json()
    assert ("epci", "244400404") in [(r["kind"], r["code"]) for r in results]
    assert ("commune", "44109") in [(r["kind"], r["code"]) for r in results]
    assert client.get(f"{BASE}/search?q=").json() == []
    too_many = client.get(f"{BASE}/search?q=nantes&limit=500")
    assert too_many.status_code == 422
    assert too_many.json() == {"detail": "limit : un nombre de 1 à 50."}


def test_openapi_documents_the_indicators(client, db):
    spec = client.get("/api/openapi.json").json()
    assert "/api/territories/{kind}/{code}/indicators" in spec["paths"]
    assert "/api/territories/{kind}/{code}/indicators/{slug}" in spec["paths"]
    assert "/api/territories/search" in spec["paths"]
    schemas = spec["components"]["schemas"]
    for name in ("IndicatorsOut", "HeadlineOut", "TableOut", "ColumnOut", "TerritoryOut"):
        assert name in schemas
    assert "estimated_employees" in schemas["HeadlineOut"]["properties"]
    operation = spec["paths"]["/api/territories/{kind}/{code}/indicators"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["perimeter"]["schema"]["enum"] == ["statistique", "loi2014"]
    assert "epci" in parameters["kind"]["schema"]["enum"]


def test_docs_page_loads_only_local_assets(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    external = re.findall(r"(?:src|href)=\"(https?://[^\"]*)\"", html)
    assert external == []
    assert not re.search(r"https?://(?!testserver)", html)
    assets = re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html)
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in assets
    for asset in assets:
        assert finders.find(asset), asset
    settings = json.loads(re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html).group(1))
    assert settings["url"] == "/api/openapi.json"
    assert settings["validatorUrl"] is None  # no call to swagger.io


def test_documented_columns_are_the_columns_of_the_portrait(client, current_import):  # noqa: F811
    from essor.observatory.api import TABLE_COLUMNS
    from essor.observatory.read import get_portrait
    from essor.observatory.territory import get_territory

    portrait = get_portrait(get_territory("epci", "244400404"), "statistique")
    assert list(TABLE_COLUMNS) == TABLE_SLUGS
    for slug, table in portrait.tables.items():
        assert [(c.key, c.kind, c.label) for c in table.columns] == TABLE_COLUMNS[slug], slug
    spec = client.get("/api/openapi.json").json()["components"]["schemas"]
    row = spec["FamillesRow"]["properties"]
    assert row["etablissements"]["anyOf"][0]["type"] == "integer"
    assert row["part"]["anyOf"][0]["type"] == "number"
    assert "FamillesTable" in spec and "SousTerritoiresTable" in spec
