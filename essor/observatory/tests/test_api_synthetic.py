"""The API, the downloads and `essor indicators export` on the synthetic import over real
territories (Haute-Garonne with its QPV, Rhône with Lyon's arrondissements), read from the
pre-aggregated indicators: every channel gives the numbers of get_portrait."""

import io
import json
import time

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db.models import Count

from essor.observatory.compute import compute_indicators
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.synthetic import synthetic  # noqa: F401
from essor.sirene.models import Establishment
from essor.territories.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def places(synthetic, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock():
        compute_indicators(progress=False)
        qpv = (
            Establishment.objects.exclude(qpv_code="")
            .values_list("qpv_code")
            .annotate(n=Count("id"))
            .order_by("-n")[0][0]
        )
        return [
            ("france", "FR"),
            ("region", "76"),
            ("departement", "31"),
            ("epci", Commune.objects.get(code="31555").epci_id),
            ("commune", "31555"),
            ("commune", "69381"),
            ("qpv", qpv),
        ]


def normalised(data):
    return json.loads(json.dumps(data))


def same_cells(read: list[dict], expected: list[dict]) -> bool:
    """Equal rows; floats to 15 significant digits (what XLSX keeps, like Excel)."""
    assert len(read) == len(expected)
    for got, want in zip(read, expected, strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-14), key
            else:
                assert got[key] == value, key
    return True


def test_api_downloads_and_command_agree_with_get_portrait(client, places, tmp_path, capsys):
    timings = []
    for kind, code in places:
        portrait = get_portrait(get_territory(kind, code), "loi2014")
        started = time.perf_counter()
        response = client.get(f"/api/territories/{kind}/{code}/indicators?perimeter=loi2014")
        timings.append((f"{kind}:{code}", "api", time.perf_counter() - started))
        assert response.status_code == 200
        api = response.json()
        assert api["headline"]["establishments"] == portrait.headline.establishments
        assert api["headline"]["estimated_employees"] == portrait.headline.estimated_employees
        for slug, table in portrait.tables.items():
            assert api["tables"][slug]["rows"] == normalised(table.rows), (kind, slug)

        out = tmp_path / f"{kind}.json"
        call_command(
            "export_indicators",
            territory=f"{kind}:{code}",
            perimeter="loi2014",
            out=str(out),
            stderr=io.StringIO(),
        )
        assert json.loads(out.read_text()) == api

        started = time.perf_counter()
        xlsx = client.get(f"/territoires/{kind}/{code}/portrait.xlsx?perimetre=loi2014")
        timings.append((f"{kind}:{code}", "xlsx", time.perf_counter() - started))
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        sheet = list(book["sous_territoires"].values)
        columns = [c["key"] for c in api["tables"]["sous_territoires"]["columns"]]
        assert same_cells(
            [dict(zip(columns, r, strict=True)) for r in sheet[1:]],
            api["tables"]["sous_territoires"]["rows"],
        )
        started = time.perf_counter()
        parquet = client.get(
            f"/territoires/{kind}/{code}/tableaux/divisions_naf.parquet?perimetre=loi2014"
        )
        timings.append((f"{kind}:{code}", "parquet", time.perf_counter() - started))
        read = pq.read_table(io.BytesIO(parquet.content)).to_pylist()
        assert read == api["tables"]["divisions_naf"]["rows"]
    with capsys.disabled():
        print()
        for place, channel, seconds in timings:
            print(f"timing place={place} channel={channel} seconds={seconds:.3f}")
