"""Real Sirene files imported without any referential: France's portrait, pre-aggregated and
direct, against an independent count of the files. The 1 M-row 2021 establishment extract with
the 3 999 legal units of the v3 extract (as in the Sirene acceptance tests): few ESS
establishments, but real rows of every kind (closed, without tranche, older NAF…)."""

import pytest

from essor.observatory.direct import build_portrait_direct
from essor.observatory.models import IndicatorSet
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.expected import expected, observed
from essor.sirene.pipeline.run import run_import

pytestmark = pytest.mark.django_db
V3 = "sirene_stock_extrait_v3"
Y2021 = "sirene_stock_etablissement_2021_11_extrait"


def files(shared_data):
    ul = shared_data / V3 / "StockUniteLegale_utf8_extrait.csv"
    return ul, next((shared_data / Y2021).glob("*.csv.gz"))


@pytest.mark.slow
def test_real_extract(shared_data, settings, tmp_path):
    settings.SIRENE_WORK_DIR = str(tmp_path)
    ul, etab = files(shared_data)
    run = run_import(ul, etab, force=True, progress=False)
    assert IndicatorSet.objects.filter(run=run).exists()
    france = get_territory("france", "FR")
    for perimeter in ("statistique", "loi2014"):
        portrait = get_portrait(france, perimeter)
        wanted = expected(ul, etab, perimeter)
        assert wanted["total"] > 0 and wanted["created"]
        assert observed(portrait) == wanted
        direct = build_portrait_direct(france, perimeter)
        assert {s: t.rows for s, t in portrait.tables.items()} == {
            s: t.rows for s, t in direct.tables.items()
        }
        assert portrait.headline == direct.headline


@pytest.mark.slow
def test_without_indicators_pages_read_the_detail(shared_data, settings, tmp_path):
    settings.SIRENE_WORK_DIR = str(tmp_path)
    ul, etab = files(shared_data)
    run = run_import(ul, etab, force=True, progress=False, indicators=False)
    assert run.is_current and not IndicatorSet.objects.filter(run=run).exists()
    france = get_territory("france", "FR")
    assert (
        get_portrait(france, "statistique").headline.establishments
        == expected(ul, etab, "statistique")["total"]
    )
