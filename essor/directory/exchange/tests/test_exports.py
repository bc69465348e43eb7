"""Exports (CSV, XLSX, GeoJSON) with column choice and privacy, the GoGoCarto feed, the REST API,
and the open-data dump."""

import csv
import io
import json

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from essor.directory.exchange.records import COLUMNS
from essor.directory.exchange.tests.conftest import PRIVATE, PUBLIC


def rows_of_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_csv_export_with_chosen_columns_and_no_private_data(client, directory):
    url = reverse("directory_exchange:export", args=["csv"])
    response = client.get(url, {"colonnes": "identifiant,nom,adresse,latitude,longitude,commune"})
    rows = rows_of_csv(response)
    assert list(rows[0]) == ["Identifiant", "Nom", "Adresse", "Latitude", "Longitude", "Commune"]
    by_id = {row["Identifiant"]: row for row in rows}
    assert set(by_id) == {
        directory["projet"].slug,
        directory["atelier"].siren,
        directory["discrete"].siren,
        directory["angers"].siren,
    }
    discrete = by_id[directory["discrete"].siren]
    assert (discrete["Adresse"], discrete["Latitude"], discrete["Longitude"]) == ("", "", "")
    assert discrete["Commune"] == "Nantes"
    atelier = by_id[directory["atelier"].siren]
    assert atelier["Adresse"] == "1 RUE DE LA PAIX" and float(atelier["Latitude"]) == 47.21
    assert by_id[directory["projet"].slug]["Adresse"] == "5 quai de la Fosse"
    every = client.get(
        url,
        {"colonnes": ",".join(COLUMNS)},
    )
    assert PRIVATE not in every.content.decode()
    assert "47.215" not in every.content.decode()  # the partial-diffusion point


def test_filters_are_those_of_the_search(client, directory):
    url = reverse("directory_exchange:export", args=["csv"])
    rows = rows_of_csv(client.get(url, {"commune": "49007", "colonnes": "nom"}))
    assert [r["Nom"] for r in rows] == ["JARDINS D'ANGERS"]
    rows = rows_of_csv(client.get(url, {"q": "velo", "colonnes": "nom"}))
    assert [r["Nom"] for r in rows] == ["Atelier vélo solidaire"]
    rows = rows_of_csv(client.get(url, {"label": "tiers_lieu", "colonnes": "nom"}))
    assert [r["Nom"] for r in rows] == ["Atelier vélo solidaire"]


def test_unknown_column_or_format(client, directory):
    response = client.get(
        reverse("directory_exchange:export", args=["csv"]), {"colonnes": "secret"}
    )
    assert response.status_code == 400
    assert "secret" in response.content.decode()
    assert client.get("/annuaire/export.pdf").status_code == 404


def test_xlsx_export_round_trip(client, directory):
    response = client.get(
        reverse("directory_exchange:export_any"),
        {"format": "xlsx", "colonnes": ["nom", "siret", "latitude"]},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0] == ("Nom", "SIRET", "Latitude")
    names = {row[0]: row for row in values[1:]}
    assert names["ASSOCIATION DISCRETE"][2] is None
    assert names["ATELIER DU REEMPLOI"][2] == 47.21


def test_geojson_export_has_no_point_under_partial_diffusion(client, directory):
    response = client.get(
        reverse("directory_exchange:export", args=["geojson"]),
        {"colonnes": "nom,commune,localisation"},
    )
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    features = {feat["properties"]["nom"]: feat for feat in document["features"]}
    discrete = features["ASSOCIATION DISCRETE"]
    assert discrete["geometry"] is None
    assert discrete["properties"] == {
        "nom": "ASSOCIATION DISCRETE",
        "commune": "Nantes",
        "localisation": "commune",
    }
    assert features["Atelier vélo solidaire"]["geometry"] == {
        "type": "Point",
        "coordinates": [-1.54, 47.2],
    }


def test_gogocarto_feed_shape_and_pages(client, directory):
    url = reverse("directory_exchange:gogocarto")
    feed = client.get(url).json()
    assert feed["ontology"] == "gogofull" and feed["total"] == 4 and feed["pages"] == 1
    elements = {e["name"]: e for e in feed["data"]}
    projet = elements["Atelier vélo solidaire"]
    assert projet["id"] == directory["projet"].slug
    assert projet["geo"] == {"latitude": 47.2, "longitude": -1.54}
    assert projet["address"]["addressLocality"] == "Nantes"
    assert "Tiers-lieu" in projet["categories"]
    assert projet["status"] == 1 and projet["url"].endswith(f"/annuaire/acteurs/{projet['id']}/")
    for key in (
        "id",
        "name",
        "geo",
        "address",
        "categories",
        "description",
        "website",
        "email",
        "telephone",
    ):
        assert key in projet
    discrete = elements["ASSOCIATION DISCRETE"]
    assert discrete["geoPrecision"] == "commune"
    assert discrete["geo"] == {"latitude": 47.2181, "longitude": -1.5528}  # Nantes centroid
    assert discrete["address"]["streetAddress"] == ""
    assert "Association" in discrete["categories"]
    page = client.get(url, {"limite": 3, "page": 1}).json()
    assert page["pages"] == 2 and len(page["data"]) == 3
    last = client.get(page["next"]).json()
    assert last["page"] == 2 and len(last["data"]) == 1 and last["next"] is None
    assert PRIVATE not in json.dumps(feed)


def test_api_list_with_pagination_filters_and_detail(client, directory):
    page = client.get("/api/actors/", {"limit": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2
    assert page["previous"] is None and "offset=2" in page["next"]
    second = client.get(page["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None and second["previous"]
    by_page = client.get("/api/actors/", {"limit": 2, "page": 2}).json()
    assert [r["key"] for r in by_page["results"]] == [r["key"] for r in second["results"]]
    only = client.get("/api/actors/", {"commune": "49007"}).json()
    assert [r["name"] for r in only["results"]] == ["JARDINS D'ANGERS"]
    detail = client.get(f"/api/actors/{directory['projet'].slug}").json()
    assert detail["custom"] == {"Bénévolat": PUBLIC}
    siren = directory["discrete"].siren
    discrete = client.get(f"/api/actors/{siren}").json()
    assert (
        discrete["lat"] is None
        and discrete["address"] == ""
        and discrete["localisation"] == "commune"
    )
    assert client.get("/api/actors/inconnu").status_code == 404
    assert client.get("/api/actors/", {"limit": 10000}).status_code == 422
    assert PRIVATE not in json.dumps(detail)


def test_api_is_documented_in_openapi(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/actors/" in schema["paths"] and "/api/actors/{key}" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/actors/"]["get"]["parameters"]}
    assert {"q", "commune", "label", "limit", "offset", "page"} <= parameters


def test_dump_command_and_download_page(client, directory, tmp_path, settings):
    out = tmp_path / "dump"
    call_command("dump_directory", "--out", str(out), "--parquet", stdout=io.StringIO())
    rows = list(csv.DictReader(io.StringIO((out / "annuaire-ess.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 4
    geo = json.loads((out / "annuaire-ess.geojson").read_text(encoding="utf-8"))
    assert len(geo["features"]) == 4
    import pyarrow.parquet as pq

    table = pq.read_table(out / "annuaire-ess.parquet")
    assert table.num_rows == 4 and "latitude" in table.column_names
    readme = (out / "LISEZMOI.md").read_text(encoding="utf-8")
    assert "diffusion partielle" in readme and "`siret`" in readme
    for name in ("annuaire-ess.csv", "annuaire-ess.geojson", "annuaire-ess.parquet"):
        assert PRIVATE.encode() not in (out / name).read_bytes()
    # Default folder: the one the download page serves.
    call_command("dump_directory", stdout=io.StringIO())
    page = client.get(reverse("directory_exchange:opendata")).content.decode()
    assert "annuaire-ess.csv" in page and "LISEZMOI.md" in page
    response = client.get(reverse("directory_exchange:opendata_file", args=["annuaire-ess.csv"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"Identifiant")
    assert client.get("/annuaire/donnees-ouvertes/settings.py").status_code == 404


def test_export_form_page(client, directory):
    page = client.get(
        reverse("directory_exchange:export_form"), {"commune": "44109"}
    ).content.decode()
    assert 'name="commune" value="44109"' in page
    assert "3 acteurs" in page


def test_the_export_links_partial_for_the_search_page(rf):
    from django.template.loader import render_to_string

    request = rf.get("/annuaire/", {"commune": "44109", "label": "scop"})
    html = render_to_string("directory/exchange/_export_links.html", {"request": request})
    assert '/annuaire/export.csv?commune=44109&amp;label=scop"' in html
    assert "/annuaire/exporter/?commune=44109" in html
