"""Bounded work of the directory search's SQL path (the fallback while the columnar engine is not
available, which is exact): capped counts and facets, precomputed map cells, the per-version
cache."""

import pytest
from django.http import QueryDict

from essor.directory.models import Actor
from essor.directory.search import mapagg, query
from essor.directory.search.indexer import rebuild, reindex_actor
from essor.directory.search.models import SearchEntry, SearchMapCell
from essor.directory.search.params import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sql_path(monkeypatch):
    from essor.directory.search import engine

    monkeypatch.setattr(engine, "ENABLED", False)


WORLD = (-10.0, 35.0, 15.0, 55.0)


def run(text: str):
    return query.search(parse(QueryDict(text)))


def exported(client, text: str) -> int:
    response = client.get("/annuaire/export.csv?" + text)
    assert response.status_code == 200
    chunks = response.streaming_content if response.streaming else [response.content]
    return len([line for line in b"".join(chunks).decode().splitlines() if line.strip()]) - 1


def test_count_and_facets_are_capped_with_a_note(directory, client, monkeypatch):
    region = "territoire=region:52"
    everything = SearchEntry.objects.filter(region_code="52").count()
    assert everything > 3
    exact = run(region)
    uncapped_export = exported(client, region)
    assert (exact.total, exact.total_capped, exact.facets_capped) == (everything, False, False)
    monkeypatch.setattr(query, "COUNT_CAP", 3)
    capped = run(region)
    assert capped.total_capped and capped.facets_capped
    assert capped.total == 3 and capped.pages == 1 and len(capped.rows) == 3
    family = next(f for f in capped.facets if f.key == "famille")
    assert sum(v.count for v in family.values) == 3  # counted on the 3 first entries
    page = client.get("/annuaire/?" + region).content.decode()
    assert "plus de 3</strong> résultats" in page
    assert "Comptes établis sur les 3 premiers résultats." in page
    # Facet filters only: exact total and grouped counts from the precomputed groups (the
    # territory facet still reads at most 3 rows).
    facet_only = run("famille=association")
    assert facet_only.total == SearchEntry.objects.filter(family="association").count() > 3
    assert not facet_only.total_capped
    family = next(f for f in facet_only.facets if f.key == "famille")
    assert {v.value: v.count for v in family.values}["association"] == facet_only.total
    # The exports stay uncapped.
    assert exported(client, region) == uncapped_export > 3


def test_capped_text_search_keeps_name_matches_first(directory, monkeypatch):
    monkeypatch.setattr(query, "COUNT_CAP", 1)
    result = run("q=epicerie")
    assert result.total_capped and result.total == 1
    assert "picerie" in result.rows[0]["name"]


def cells_of(data):
    return sorted((c["n"], c["lat"], c["lon"]) for c in data["cells"])


def assert_same_cells(params, zoom):
    precomputed = mapagg.precomputed(params, WORLD, zoom)
    live = mapagg.live_map_data(params, WORLD, zoom)
    assert precomputed is not None
    assert precomputed["total"] == live["total"]
    for (n1, lat1, lon1), (n2, lat2, lon2) in zip(
        cells_of(precomputed), cells_of(live), strict=True
    ):
        assert n1 == n2
        assert lat1 == pytest.approx(lat2, abs=2e-4)
        assert lon1 == pytest.approx(lon2, abs=2e-4)


@pytest.mark.parametrize(
    "text", ["", "famille=association", "taille=0&etat=ouvert", "region=52&departement=44"]
)
def test_precomputed_cells_equal_the_live_aggregation(directory, monkeypatch, text):
    monkeypatch.setattr(mapagg, "POINT_LIMIT", 0)
    assert SearchMapCell.objects.filter(zoom=mapagg.MAP_CELL_MAX_ZOOM).exists()
    params = parse(QueryDict(text))
    assert mapagg.cells_apply(params)
    for zoom in range(mapagg.MAP_CELL_MAX_ZOOM + 1):
        assert_same_cells(params, zoom)


def test_cells_follow_actor_changes_and_serve_low_zooms_only(directory, monkeypatch):
    monkeypatch.setattr(mapagg, "POINT_LIMIT", 0)
    actor = Actor.objects.get(slug="collectif-jardins")
    actor.commune_id = "49007"
    actor.save()
    reindex_actor(actor)
    for zoom in (0, 5, 8):
        assert_same_cells(parse(QueryDict("")), zoom)
    assert not mapagg.cells_apply(parse(QueryDict("q=velo")))
    assert not mapagg.cells_apply(parse(QueryDict("theme=alimentation_durable")))
    SearchMapCell.objects.all().delete()  # not built: the live aggregation answers
    assert mapagg.precomputed(parse(QueryDict("")), WORLD, 5) is None
    assert mapagg.map_data(parse(QueryDict("")), WORLD, 5)["total"] > 0


def test_results_are_cached_per_index_version(directory, django_assert_max_num_queries):
    first = run("q=jardins")
    assert first.total == 1
    with django_assert_max_num_queries(1):  # the index version only
        assert run("q=jardins").total == 1
    actor = Actor.objects.get(slug="collectif-jardins")
    actor.name = "Collectif des vergers"
    actor.save()
    reindex_actor(actor)  # bumps the version: a new answer
    assert run("q=jardins").total == 0
    assert run("q=vergers").total == 1
    SearchEntry.objects.filter(actor_slug="collectif-jardins").delete()
    assert run("q=vergers").total == 1  # cached until the index changes
    rebuild()
    assert run("q=vergers").total == 1  # the actor is reindexed by the full build
    map_before = mapagg.map_data(parse(QueryDict("")), WORLD, 12)["total"]
    actor.status = "removed"
    actor.save()
    from essor.directory.search.indexer import remove_actor

    remove_actor(actor)
    assert run("q=vergers").total == 0
    assert mapagg.map_data(parse(QueryDict("")), WORLD, 12)["total"] == map_before - 1


def test_territory_facet_from_the_cells_equals_the_live_count(directory):
    from django.db.models import Count

    params = parse(QueryDict("famille=association&taille=0"))
    live = dict(
        SearchEntry.objects.filter(family="association", size_band="0")
        .exclude(region_code="")
        .values_list("region_code")
        .annotate(Count("id"))
    )
    assert live
    unplaced = SearchEntry.objects.filter(glat=None).exclude(region_code="").exists()
    from_cells = query.territory_from_cells(params, "region")
    assert from_cells == (None if unplaced else live)
    region = next(f for f in run(params.to_query()).facets if f.key == "region")
    assert {v.value: v.count for v in region.values} == live
    SearchEntry.objects.filter(region_code="52").update(glat=None)  # unplaced: live GROUP BY
    assert query.territory_from_cells(params, "region") is None
