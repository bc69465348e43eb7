"""With the directory's search index built, exports and the API answer exactly what the search
page finds (same filters, one record per actor)."""

import csv
import io

import pytest
from django.urls import reverse

search_params = pytest.importorskip("essor.directory.search.params")
search_query = pytest.importorskip("essor.directory.search.query")
indexer = pytest.importorskip("essor.directory.search.indexer")


def search_keys(query: dict) -> set[str]:
    result = search_query.search(search_params.parse(query), with_facets=False, page_size=1000)
    return {row["actor_slug"] or row["siren"] for row in result.rows}


@pytest.mark.parametrize(
    "query",
    [{}, {"commune": "44109"}, {"q": "atelier"}, {"label": "tiers_lieu"}, {"departement": "49"}],
)
def test_exports_and_api_follow_the_search(client, directory, query):
    indexer.rebuild()
    expected = search_keys(query)
    response = client.get(
        reverse("directory_exchange:export", args=["csv"]), {**query, "colonnes": "identifiant"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert {r["Identifiant"] for r in rows} == expected
    page = client.get("/api/actors/", {**query, "limit": 100}).json()
    assert page["count"] == len(expected)
    assert {r["key"] for r in page["results"]} == expected
