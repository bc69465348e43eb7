"""`essor indicators export`, and « the export command and the API return the same numbers as the
pages »: on a small import, for an EPCI, a commune, a QPV and France, get_portrait, the API, the
command's JSON and CSV and the figures of the portrait page agree."""

import csv
import io
import json
import re
import zipfile

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from essor.observatory.key_figures import compute_key_figures
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401
from essor.sirene.models import Establishment
from essor.territories.models import Qpv

pytestmark = pytest.mark.django_db

TERRITORIES = [("epci", "244400404"), ("commune", "44109"), ("qpv", "QN04401M"), ("france", "FR")]


@pytest.fixture
def with_qpv(current_import):  # noqa: F811
    qpv = Qpv.objects.create(
        code="QN04401M", name="Quartier test", search_name="quartier test", generation=2024
    )
    qpv.communes.add("44109")
    Establishment.objects.filter(siret="10000000100001").update(qpv_code="QN04401M")
    return current_import


def export(tmp_path, name, **options) -> bytes:
    out = tmp_path / name
    err = io.StringIO()
    call_command("export_indicators", out=str(out), stdout=io.StringIO(), stderr=err, **options)
    assert "rows=" in err.getvalue()
    return out.read_bytes()


def page_figures(html: str) -> dict[str, str]:
    """`data-figure="key" … data-value="raw"` pairs of the portrait page, either order."""
    figures = {}
    for tag in re.findall(r"<[^>]*\bdata-figure=\"[^\"]+\"[^>]*>", html):
        figure = re.search(r'data-figure="([^"]+)"', tag).group(1)
        value = re.search(r'data-value="([^"]*)"', tag)
        if value:
            figures[figure] = value.group(1)
    return figures


def page_texts(html: str) -> dict[str, str]:
    """`data-figure="key">displayed text<` of the portrait page."""
    return dict(re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', html))


def displayed_number(text: str) -> float | None:
    """« ≈ 1 234 », « 4,0 % » → 1234.0, 4.0; None for « — »."""
    digits = re.sub(r"[^\d,]", "", text).replace(",", ".")
    return float(digits) if digits else None


# Page figure names → API headline fields, and how much display rounding may move the value.
PAGE_TO_API = {
    "etablissements": ("establishments", 0),
    "employeurs": ("employer_establishments", 0),
    "etablissements_employeurs": ("employer_establishments", 0),
    "salaries": ("estimated_employees", 0.5),
    "salaries_estimes": ("estimated_employees", 0.5),
    "part": ("share_establishments", 0.0005),  # shown in % with one decimal
    "part_etablissements": ("share_establishments", 0.0005),
    "qpv-dedans": ("qpv_inside", 0),
    "qpv_dedans": ("qpv_inside", 0),
}


def check_page(html: str, headline: dict) -> int:
    """Compares the page's headline figures with the API; returns how many were compared.
    Exact on `data-value` (raw value) when the page carries it, else on the displayed text."""
    compared = 0
    raw_values = page_figures(html)
    for figure, text in page_texts(html).items():
        if figure not in PAGE_TO_API:
            continue
        field, tolerance = PAGE_TO_API[figure]
        expected = headline[field]
        if figure in raw_values:
            raw = raw_values[figure]
            assert (None if raw == "" else float(raw)) == pytest.approx(expected), figure
        else:
            shown = displayed_number(text)
            assert (shown is None) == (expected is None), (figure, text, expected)
            if shown is None:
                compared += 1
                continue
            if field.startswith("share_"):
                shown /= 100
            assert abs(shown - expected) <= tolerance + 1e-9, (figure, text, expected)
        compared += 1
    return compared


@pytest.mark.parametrize("kind, code", TERRITORIES)
@pytest.mark.parametrize("perimeter", ["statistique", "loi2014"])
def test_command_api_and_page_give_the_same_numbers(
    client, tmp_path, with_qpv, kind, code, perimeter
):
    place = get_territory(kind, code)
    portrait = get_portrait(place, perimeter)
    api = client.get(f"/api/territories/{kind}/{code}/indicators?perimeter={perimeter}").json()
    command = json.loads(
        export(tmp_path, "p.json", territory=f"{kind}:{code}", format="json", perimeter=perimeter)
    )
    assert command == api

    h = portrait.headline
    assert api["headline"]["establishments"] == h.establishments
    assert api["headline"]["employer_establishments"] == h.employer_establishments
    assert api["headline"]["estimated_employees"] == h.estimated_employees  # unrounded
    assert api["headline"]["all_establishments"] == h.all_establishments
    assert api["headline"]["share_establishments"] == h.share_establishments
    assert list(api["tables"]) == list(portrait.tables)
    for slug, table in portrait.tables.items():
        assert api["tables"][slug]["rows"] == json.loads(json.dumps(table.rows)), slug

    # An independent computation of the key figures (essor.observatory.key_figures).
    figures = compute_key_figures(place, perimeter)
    assert h.establishments == figures.establishments
    assert h.employer_establishments == figures.employer_establishments
    assert h.estimated_employees == pytest.approx(figures.estimated_employees)
    if kind == "qpv":
        assert h.all_establishments is None and api["headline"]["share_establishments"] is None

    # The command's CSV of a table: same rows as the API.
    content = export(
        tmp_path, "f.csv", territory=f"{kind}:{code}", table="familles", perimeter=perimeter
    )
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    api_rows = api["tables"]["familles"]["rows"]
    assert [r["famille"] for r in rows] == [r["famille"] for r in api_rows]
    assert [int(r["etablissements"]) for r in rows] == [r["etablissements"] for r in api_rows]

    # The page shows the same headline figures (rounded only for display).
    html = client.get(f"/territoires/{kind}/{code}/?perimetre={perimeter}").content.decode()
    assert check_page(html, api["headline"]) >= 1


def test_every_format_of_a_table_and_of_the_portrait(tmp_path, with_qpv):
    portrait = get_portrait(get_territory("epci", "244400404"), "statistique")
    rows = portrait.table("familles").rows
    options = {"territory": "epci:244400404", "table": "familles"}
    book = openpyxl.load_workbook(io.BytesIO(export(tmp_path, "f.xlsx", **options)))
    assert book.sheetnames == ["familles", "Sources et méthode"]
    parquet = pq.read_table(io.BytesIO(export(tmp_path, "f.parquet", **options)))
    assert parquet.to_pylist() == rows
    chosen = export(tmp_path, "c.csv", columns="etablissements,famille", sep=";", **options)
    assert chosen.decode("utf-8-sig").splitlines()[0] == "etablissements;famille"
    archive = zipfile.ZipFile(
        io.BytesIO(export(tmp_path, "p.zip", territory="epci:244400404", format="parquet"))
    )
    assert "essor_epci_244400404_sous_territoires_statistique.parquet" in archive.namelist()
    book = openpyxl.load_workbook(
        io.BytesIO(export(tmp_path, "p.xlsx", territory="epci:244400404"))
    )
    assert book.sheetnames[0] == "chiffres_cles" and book.sheetnames[-1] == "Sources et méthode"


def test_standard_output_defaults_to_csv(with_qpv):
    out = io.StringIO()
    call_command(
        "export_indicators",
        territory="commune:44109",
        table="familles",
        out="-",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().splitlines()[0].startswith("famille,")


def test_written_file_has_ordinary_permissions(tmp_path, with_qpv):
    import os

    umask = os.umask(0o022)
    try:
        export(tmp_path, "f.csv", territory="commune:44109", table="familles")
    finally:
        os.umask(umask)
    assert (tmp_path / "f.csv").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "options, message",
    [
        ({"territory": "epci:999999999"}, "Territoire introuvable : epci 999999999."),
        ({"territory": "244400404"}, "--territory attend type:code"),
        ({"territory": "epci:244400404", "perimeter": "x"}, "Périmètre inconnu « x »"),
        ({"territory": "epci:244400404", "table": "nope"}, "Tableau inconnu « nope »"),
        (
            {"territory": "epci:244400404", "table": "familles", "columns": "x"},
            "Colonnes possibles : famille",
        ),
        (
            {"territory": "epci:244400404", "columns": "famille"},
            "--columns ne vaut qu'avec --table",
        ),
        ({"territory": "epci:244400404", "out_name": "f.pdf"}, "Format inconnu « pdf »"),
        ({"territory": "epci:244400404", "format": "xlsx", "out": "-"}, "seulement un tableau CSV"),
        ({"territory": "epci:244400404", "format": "csv", "out": "-"}, "seulement un tableau CSV"),
        ({"territory": "epci:244400404", "out_name": "p.csv"}, "donnez un --out en .zip"),
        (
            {"territory": "epci:244400404", "table": "familles", "out": "/nonexistent/dir/f.csv"},
            "Dossier introuvable",
        ),
    ],
)
def test_clear_errors(tmp_path, with_qpv, options, message):
    options = dict(options)
    out = options.pop("out", str(tmp_path / options.pop("out_name", "f.csv")))
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(
            "export_indicators", out=out, stdout=io.StringIO(), stderr=io.StringIO(), **options
        )
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_without_import_the_command_fails(tmp_path, territory):  # noqa: F811
    with pytest.raises(CommandError, match="Aucun import Sirene en ligne"):
        call_command(
            "export_indicators",
            territory="epci:244400404",
            table="familles",
            out=str(tmp_path / "f.csv"),
        )
