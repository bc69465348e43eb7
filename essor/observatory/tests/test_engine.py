"""Pre-aggregated portraits against the direct oracle (every kind of territory, both
perimeters) and the consistency of the figures across levels."""

import json

import pytest
from django.db.models import Count

from essor.observatory.direct import build_portrait_direct
from essor.observatory.models import IndicatorSet
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.expected import expected, observed
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


@pytest.mark.parametrize("perimeter", ["statistique", "loi2014"])
def test_france_equals_an_independent_count_of_the_synthetic_files(synthetic, perimeter):  # noqa: F811
    portrait = get_portrait(get_territory("france", "FR"), perimeter)
    assert observed(portrait) == expected(synthetic.ul, synthetic.etab, perimeter)


def _sum(rows, column="etablissements"):
    return sum(r[column] for r in rows)


def test_breakdowns_sum_to_the_total(synthetic):  # noqa: F811
    for kind, code in [("france", "FR"), ("departement", "69"), ("commune", "31555")]:
        portrait = get_portrait(get_territory(kind, code), "loi2014")
        total = portrait.headline.establishments
        for slug in ["familles", "categories_juridiques", "secteurs_ess", "sections_naf",
                     "divisions_naf", "tranches_effectif", "annees_effectif"]:  # fmt: skip
            assert _sum(portrait.table(slug).rows) == total, (kind, slug)
        employees = sum(r["salaries_estimes"] for r in portrait.table("familles").rows)
        assert employees == pytest.approx(portrait.headline.estimated_employees)


def test_sub_territories_sum_to_their_territory(synthetic):  # noqa: F811
    # Communes to their EPCI, arrondissements to Lyon.
    for kind, code in [("epci", Commune.objects.get(code="31555").epci_id), ("commune", "69123")]:
        portrait = get_portrait(get_territory(kind, code), "statistique")
        rows = portrait.table("sous_territoires").rows
        assert len(rows) > 1
        assert _sum(rows) == portrait.headline.establishments
        assert _sum(rows, "salaries_estimes") == pytest.approx(
            portrait.headline.estimated_employees
        )
    # EPCI to a département they cover exactly (every commune in an EPCI of that département
    # only); régions to France (every synthetic establishment is in a known commune).
    covered = 0
    for dep in ("31", "69"):
        communes = Commune.objects.filter(departement_id=dep, kind="COM")
        epcis = set(communes.values_list("epci_id", flat=True))
        outside = Commune.objects.filter(epci_id__in=epcis).exclude(departement_id=dep)
        if None in epcis or outside.exists():
            continue
        covered += 1
        portrait = get_portrait(get_territory("departement", dep), "statistique")
        assert _sum(portrait.table("sous_territoires").rows) == portrait.headline.establishments
    assert covered
    france = get_portrait(get_territory("france", "FR"), "statistique")
    assert not Establishment.objects.filter(commune_code="").exists()
    assert _sum(france.table("sous_territoires").rows) == france.headline.establishments


def test_ess_share_and_qpv_figures(synthetic):  # noqa: F811
    toulouse = get_portrait(get_territory("commune", "31555"), "statistique")
    h = toulouse.headline
    assert 0 < h.share_establishments < 1 and 0 < h.share_employers <= 1
    assert h.qpv_inside > 0 and h.qpv_near > 0
    qpv_rows = toulouse.table("qpv").rows
    assert sum(r["dans_qpv"] for r in qpv_rows) == h.qpv_inside
    arrondissement = get_portrait(get_territory("commune", "69381"), "statistique")
    assert arrondissement.headline.all_establishments is None  # aggregates are per commune
    assert arrondissement.table("part_economie").rows == []


def test_the_import_snapshot_and_the_database_give_the_same_blocks(synthetic):  # noqa: F811
    """The import computes from its own staging tables (a Parquet snapshot); `essor indicators
    compute` alone reads the database: the same blocks, cell for cell."""
    from essor.observatory.compute import compute_indicators
    from essor.observatory.models import IndicatorBlock

    def blocks():
        rows = IndicatorBlock.objects.filter(run=synthetic.run).values()
        return {
            (r["perimeter"], r["territory_kind"], r["territory_code"]): (
                {k: v for k, v in r.items() if k not in ("id", "cells", "top")},
                sorted(map(tuple, json.loads(r["cells"]))),
                json.loads(r["top"]),
            )
            for r in rows
        }

    assert "indicateurs_source" in synthetic.run.step_durations
    assert "Source des indicateurs non enregistrée" not in synthetic.run.message
    from_snapshot = blocks()
    assert len(from_snapshot) > 100
    compute_indicators(synthetic.run, progress=False)
    assert blocks() == from_snapshot
