"""Exports of a hand-made Portrait: every format reads back to the table rows, column choice and
order, bad columns and formats are refused with the valid list."""

import csv
import datetime
import io
import json
import zipfile
from types import SimpleNamespace

import openpyxl
import pyarrow.parquet as pq
import pytest

from essor.observatory import exports
from essor.observatory.portrait import Column, Headline, Portrait, Table
from essor.observatory.territory import Territory


def sample_portrait() -> Portrait:
    run = SimpleNamespace(
        pk=7,
        data_date=datetime.date(2026, 10, 1),
        is_synthetic=True,
        sources=[
            {
                "role": "etablissements",
                "path": "/srv/data/StockEtablissement_utf8.zip",
                "format": "csv",
                "sha256": "ab12",
            }
        ],
    )
    families = Table(
        slug="familles",
        title="Familles de l'ESS",
        columns=[
            Column("famille", "Famille", "text"),
            Column("etablissements", "Établissements", "int"),
            Column("salaries_estimes", "Salariés estimés", "float"),
            Column("part", "Part des établissements", "share"),
        ],
        rows=[
            {"famille": "Association", "etablissements": 3, "salaries_estimes": 34.5, "part": 0.75},
            {"famille": "Coopérative", "etablissements": 1, "salaries_estimes": 1.5, "part": 0.25},
            {"famille": "=Mutuelle", "etablissements": 0, "salaries_estimes": 0.0, "part": None},
        ],
        method="Familles selon la catégorie juridique.",
    )
    years = Table(
        slug="annees_effectif",
        title="Années de référence",
        columns=[Column("annee", "Année", "year"), Column("etablissements", "Établissements")],
        rows=[{"annee": 2022, "etablissements": 2}, {"annee": None, "etablissements": 1}],
    )
    headline = Headline(
        establishments=4,
        employer_establishments=2,
        estimated_employees=36.0,
        without_band=1,
        reference_years={2022: 2, 2023: 1, None: 1},
        all_establishments=100,
        population=1000,
    )
    territory = Territory("epci", "244400404", "Nantes Métropole", 1000, None)
    return Portrait(
        territory=territory,
        perimeter="statistique",
        run=run,
        headline=headline,
        tables={"familles": families, "annees_effectif": years},
    )


@pytest.fixture
def portrait():
    return sample_portrait()


def test_csv_reads_back_to_the_rows(portrait):
    table = portrait.table("familles")
    export = exports.export_table(portrait, table, "csv")
    assert export.content_type == "text/csv; charset=utf-8"
    assert export.filename == "essor_epci_244400404_familles_statistique.csv"
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert list(rows[0]) == table.column_keys()
    assert [r["famille"] for r in rows] == ["Association", "Coopérative", "=Mutuelle"]
    assert [int(r["etablissements"]) for r in rows] == [3, 1, 0]
    assert [float(r["salaries_estimes"]) for r in rows] == [34.5, 1.5, 0.0]
    assert rows[2]["part"] == ""  # None: not computable, never 0


def test_csv_for_french_spreadsheets_uses_semicolons_decimal_commas_and_a_bom(portrait):
    table = portrait.table("familles")
    content = exports.export_table(portrait, table, "csv", sep=";", labels=True).content
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Famille;Établissements;Salariés estimés;Part des établissements"
    assert lines[1] == "Association;3;34,5;0,75"


def test_column_choice_keeps_the_requested_order(portrait):
    table = portrait.table("familles")
    export = exports.export_table(portrait, table, "csv", columns=["salaries_estimes", "famille"])
    lines = export.content.decode().splitlines()
    assert lines[0] == "salaries_estimes,famille"
    assert lines[1] == "34.5,Association"
    assert exports.parse_columns(" a, b ,,c ") == ["a", "b", "c"]
    assert exports.parse_columns("") is None


def test_unknown_columns_are_refused_with_the_valid_list(portrait):
    table = portrait.table("familles")
    with pytest.raises(exports.ColumnError) as error:
        exports.export_table(portrait, table, "csv", columns=["famille", "nope"])
    message = str(error.value)
    assert "nope" in message
    assert "famille, etablissements, salaries_estimes, part" in message


def test_unknown_format_is_refused(portrait):
    with pytest.raises(exports.FormatError, match="csv, xlsx, parquet, json"):
        exports.export_table(portrait, portrait.table("familles"), "pdf")


def test_xlsx_keeps_numbers_as_numbers_and_has_a_sources_sheet(portrait):
    table = portrait.table("familles")
    export = exports.export_table(portrait, table, "xlsx")
    assert export.filename.endswith("_familles_statistique.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["familles", "Sources et méthode"]
    sheet = book["familles"]
    values = list(sheet.values)
    assert values[0] == ("Famille", "Établissements", "Salariés estimés", "Part des établissements")
    assert sheet["A1"].font.bold
    rows = [dict(zip(table.column_keys(), v, strict=True)) for v in values[1:]]
    assert rows == table.rows  # "=Mutuelle" stays text, numbers stay numbers
    assert sheet["D2"].number_format == "0.0%"
    lines = list(book["Sources et méthode"].values)[1:]
    notes = dict(lines)
    assert notes["Territoire"] == "Nantes Métropole (epci 244400404)"
    assert notes["Import Sirene n°"] == "7"
    assert notes["Date des données"] == "2026-10-01"
    assert "StockEtablissement_utf8.zip" in notes["Fichier source etablissements"]
    assert "/srv/data" not in str(notes)  # server paths stay private
    assert any(label == "Méthode" and "non arrondies" in text for label, text in lines)


def test_parquet_has_typed_columns_and_source_metadata(portrait):
    table = portrait.table("familles")
    export = exports.export_table(portrait, table, "parquet", columns=["famille", "part"])
    read = pq.read_table(io.BytesIO(export.content))
    assert read.column_names == ["famille", "part"]
    assert str(read.schema.field("famille").type) == "string"
    assert str(read.schema.field("part").type) == "double"
    assert read.to_pylist() == [{k: r[k] for k in ("famille", "part")} for r in table.rows]
    metadata = {k.decode(): v.decode() for k, v in read.schema.metadata.items()}
    assert json.loads(metadata["essor.source"])["import_run"] == 7
    assert metadata["essor.perimeter"] == "statistique"
    years = pq.read_table(
        io.BytesIO(
            exports.export_table(portrait, portrait.table("annees_effectif"), "parquet").content
        )
    )
    assert str(years.schema.field("annee").type) == "int64"
    assert years.to_pylist() == portrait.table("annees_effectif").rows


def test_json_table_reads_back(portrait):
    table = portrait.table("familles")
    data = json.loads(exports.export_table(portrait, table, "json", columns=["part"]).content)
    assert data["territory"] == {"kind": "epci", "code": "244400404", "name": "Nantes Métropole"}
    assert data["table"]["columns"] == [
        {"key": "part", "label": "Part des établissements", "kind": "share"}
    ]
    assert data["table"]["rows"] == [{"part": 0.75}, {"part": 0.25}, {"part": None}]


def test_whole_portrait_in_every_format(portrait):
    xlsx = exports.export_portrait(portrait, "xlsx")
    assert xlsx.filename == "essor_epci_244400404_portrait_statistique.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["chiffres_cles", "familles", "annees_effectif", "Sources et méthode"]
    key_figures = {r[0]: r[2] for r in list(book["chiffres_cles"].values)[1:]}
    assert key_figures["etablissements"] == 4
    assert key_figures["salaries_estimes"] == 36
    assert key_figures["part_etablissements"] == pytest.approx(0.04)
    assert key_figures["part_emploi"] is None

    data = json.loads(exports.export_portrait(portrait, "json").content)
    assert list(data["tables"]) == ["familles", "annees_effectif"]
    assert data["tables"]["familles"]["rows"] == portrait.table("familles").rows
    assert data["headline"]["establishments"] == 4
    assert {"year": None, "establishments": 1} in data["headline"]["reference_years"]

    for fmt in ("csv", "parquet"):
        export = exports.export_portrait(portrait, fmt)
        assert export.content_type == "application/zip"
        assert export.filename == f"essor_epci_244400404_portrait_statistique.{fmt}.zip"
        names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
        assert names == [
            f"essor_epci_244400404_chiffres_cles_statistique.{fmt}",
            f"essor_epci_244400404_familles_statistique.{fmt}",
            f"essor_epci_244400404_annees_effectif_statistique.{fmt}",
            "sources_et_methode.txt",
        ]
