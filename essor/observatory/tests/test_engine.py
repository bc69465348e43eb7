"""Pre-aggregated portraits against the direct oracle (every kind of territory, both
perimeters) and the consistency of the figures across levels."""

import pytest
from django.db.models import Count

from essor.observatory.direct import build_portrait_direct
from essor.observatory.models import IndicatorSet
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.synthetic import synthetic  # noqa: F401
from essor.sirene.models import Establishment
from essor.territories.models import Commune, Perimeter

pytestmark = pytest.mark.django_db


def places():
    toulouse_epci = Commune.objects.get(code="31555").epci_id
    lyon_epci = Commune.objects.get(code="69123").epci_id
    qpv = (
        Establishment.objects.exclude(qpv_code="")
        .values_list("qpv_code")
        .annotate(n=Count("id"))
        .order_by("-n")[0][0]
    )
    perimeter = Perimeter.objects.create(name="Test", slug="test-perimetre")
    perimeter.communes.set(Commune.objects.filter(code__in=["31555", "31069", "69123", "69266"]))
    return [
        ("france", "FR"),
        ("region", "76"),
        ("region", "84"),
        ("departement", "31"),
        ("departement", "69"),
        ("epci", toulouse_epci),
        ("epci", lyon_epci),
        ("commune", "31555"),
        ("commune", "69123"),
        ("commune", "69381"),
        ("commune", "31069"),
        ("qpv", qpv),
        ("perimeter", "test-perimetre"),
    ]


def comparable(portrait) -> dict:
    return {
        "headline": portrait.headline,
        "tables": {slug: (t.column_keys(), t.rows) for slug, t in portrait.tables.items()},
    }


@pytest.mark.parametrize("perimeter", ["statistique", "loi2014"])
def test_pre_aggregated_portraits_equal_the_direct_ones(synthetic, perimeter):  # noqa: F811
    # Computed by the import's hook, before the run went online.
    assert IndicatorSet.objects.get(run=synthetic.run).cells > 0
    for kind, code in places():
        territory = get_territory(kind, code)
        direct = comparable(build_portrait_direct(territory, perimeter))
        read = comparable(get_portrait(territory, perimeter))
        assert read == direct, (kind, code)
        assert direct["headline"].establishments > 0, (kind, code)
