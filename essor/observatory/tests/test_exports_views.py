"""Download views on a hand-made Portrait: content types, file names, column choice, 400 and 404."""

import csv
import io
import json
import zipfile

import openpyxl
import pyarrow.parquet as pq
import pytest

from essor.observatory import exports
from essor.observatory.tests.test_exports import sample_portrait
from essor.territories.models import Epci

pytestmark = pytest.mark.django_db

URL = "/territoires/epci/244400404"


@pytest.fixture
def portrait(monkeypatch):
    Epci.objects.create(
        siren="244400404", name="Nantes Métropole", search_name="nantes metropole", nature="METRO"
    )
    calls = []

    def fake(territory, perimeter):
        calls.append((territory.kind, territory.code, perimeter))
        made = sample_portrait()
        made.perimeter = perimeter
        return made

    monkeypatch.setattr(exports, "get_portrait", fake)
    return calls


@pytest.mark.parametrize(
    "fmt, content_type",
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("parquet", "application/vnd.apache.parquet"),
        ("json", "application/json"),
    ],
)
def test_one_table_downloads_in_each_format(client, portrait, fmt, content_type):
    response = client.get(f"{URL}/tableaux/familles.{fmt}?perimetre=loi2014")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="essor_epci_244400404_familles_loi2014.{fmt}"'
    )
    assert portrait == [("epci", "244400404", "loi2014")]
    rows = sample_portrait().table("familles").rows
    if fmt == "csv":
        read = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert [int(r["etablissements"]) for r in read] == [r["etablissements"] for r in rows]
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert [v[1] for v in list(book["familles"].values)[1:]] == [3, 1, 0]
    elif fmt == "parquet":
        assert pq.read_table(io.BytesIO(response.content)).to_pylist() == rows
    else:
        assert json.loads(response.content)["table"]["rows"] == rows


def test_column_choice_and_semicolon_csv(client, portrait):
    response = client.get(
        f"{URL}/tableaux/familles.csv?colonnes=salaries_estimes,famille&sep=;&entetes=libelles"
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[:2] == ["Salariés estimés;Famille", "34,5;Association"]


def test_whole_portrait_downloads(client, portrait):
    response = client.get(f"{URL}/portrait.xlsx")
    assert response.status_code == 200
    assert "essor_epci_244400404_portrait_statistique.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "familles" in book.sheetnames and "Sources et méthode" in book.sheetnames
    response = client.get(f"{URL}/portrait.csv")
    assert response["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 4
    data = json.loads(client.get(f"{URL}/portrait.json").content)
    assert list(data["tables"]) == ["familles", "annees_effectif"]


def test_unknown_column_is_a_400_listing_the_valid_ones(client, portrait):
    response = client.get(f"{URL}/tableaux/familles.csv?colonnes=famille,inconnue")
    assert response.status_code == 400
    text = response.content.decode()
    assert "inconnue" in text
    assert "Colonnes possibles : famille, etablissements, salaries_estimes, part" in text


@pytest.mark.parametrize(
    "url, status",
    [
        (f"{URL}/tableaux/familles.pdf", 400),
        (f"{URL}/portrait.docx", 400),
        (f"{URL}/tableaux/familles.csv?perimetre=planete", 400),
        (f"{URL}/tableaux/familles.csv?sep=|", 400),
        (f"{URL}/tableaux/inconnu.csv", 404),
        ("/territoires/epci/999999999/tableaux/familles.csv", 404),
        ("/territoires/planete/1/portrait.json", 404),
    ],
)
def test_bad_requests(client, portrait, url, status):
    assert client.get(url).status_code == status


def test_without_import_downloads_are_404(client, portrait, monkeypatch):
    monkeypatch.setattr(exports, "get_portrait", lambda territory, perimeter: None)
    response = client.get(f"{URL}/portrait.json")
    assert response.status_code == 404


def test_only_get(client, portrait):
    assert client.post(f"{URL}/portrait.json").status_code == 405


def test_column_form_works_without_javascript(client, portrait):
    from django.template.loader import render_to_string

    made = sample_portrait()
    html = render_to_string(
        "observatory/_download.html",
        {"table": made.table("familles"), "territory": made.territory, "perimeter": "loi2014"},
    )
    assert 'action="/territoires/epci/244400404/tableaux/familles"' in html
    assert "<fieldset>" in html and "<legend>" in html
    for key in made.table("familles").column_keys():
        assert f'<label for="telecharger-familles-{key}">' in html
        assert f'id="telecharger-familles-{key}" name="colonnes"' in html
    assert '<label for="telecharger-familles-format">' in html
    assert 'name="perimetre" value="loi2014"' in html

    # What the browser sends when two boxes are ticked and « CSV pour tableur » is chosen.
    response = client.get(
        f"{URL}/tableaux/familles",
        {"perimetre": "loi2014", "colonnes": ["famille", "part"], "format": "csv-tableur"},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{URL}/tableaux/familles.csv?perimetre=loi2014&colonnes=famille,part&sep=;"
    )
    download = client.get(response["Location"])
    assert download.content.decode("utf-8-sig").splitlines()[0] == "famille;part"
    repeated = client.get(f"{URL}/tableaux/familles.json?colonnes=part&colonnes=famille")
    assert [c["key"] for c in json.loads(repeated.content)["table"]["columns"]] == [
        "part",
        "famille",
    ]
    assert client.get(f"{URL}/tableaux/familles?format=pdf").status_code == 400


def test_head_requests_answer_like_get(client, portrait):
    response = client.head(f"{URL}/tableaux/familles.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
