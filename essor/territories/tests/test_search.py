import pytest

from essor.territories.search import search_territories


def first(query: str) -> dict:
    return search_territories(query)[0]


@pytest.mark.parametrize("query", ["saint etienne", "Saint-Étienne", "SAINT ÉTIENNE", "st-étienne"])
def test_name_search_ignores_accents_case_and_hyphens(france, query):
    if query == "st-étienne":  # abbreviations are not expanded
        assert "42218" not in [r["code"] for r in search_territories(query)]
        return
    assert first(query)["code"] == "42218"


def test_exact_name_comes_before_longer_names_and_bigger_territories(france):
    results = search_territories("nantes")
    assert results[0] == {
        "kind": "commune",
        "code": "44109",
        "name": "Nantes",
        "detail": "Commune · Loire-Atlantique (44)",
        "population": results[0]["population"],
    }
    assert ("epci", "244400404") in [(r["kind"], r["code"]) for r in results]


def test_name_without_article_finds_the_commune(france):
    assert first("mans")["name"] == "Le Mans"


def test_name_prefix_results_are_ranked_by_population(france):
    results = search_territories("saint-nazaire", limit=20)
    assert results[0]["code"] == "44184"
    assert [r["name"] for r in results[:3]] == ["Saint-Nazaire"] * 3  # exact names first
    prefixed = [r for r in results[3:] if r["name"].startswith("Saint-Nazaire-")]
    populations = [r["population"] or 0 for r in prefixed]
    assert len(prefixed) > 3
    assert populations == sorted(populations, reverse=True)


def test_departement_code_finds_the_departement_and_the_region_with_that_code(france):
    kinds = {(r["kind"], r["code"]): r["name"] for r in search_territories("44")}
    assert kinds[("departement", "44")] == "Loire-Atlantique"
    assert kinds[("region", "44")] == "Grand Est"


def test_region_code_finds_the_region(france):
    results = search_territories("52")
    assert ("region", "52") in [(r["kind"], r["code"]) for r in results]
    assert next(r for r in results if r["kind"] == "region")["name"] == "Pays de la Loire"


def test_postal_code_finds_the_commune(france):
    assert first("44000")["code"] == "44109"


def test_commune_code_comes_first(france):
    assert first("44109")["name"] == "Nantes"
    assert first("75101")["detail"] == "Arrondissement municipal · Paris (75)"


def test_epci_siren_finds_the_epci_with_its_member_count(france):
    result = first("244400404")
    assert result["kind"] == "epci"
    assert result["detail"] == "Métropole · 24 communes"


def test_commune_siren_finds_the_commune_when_the_source_gives_it(france):
    from essor.territories.models import Commune

    Commune.objects.filter(code="44109").update(siren="214401093")
    assert first("214401093")["code"] == "44109"


def test_empty_or_unknown_query_returns_nothing(france):
    assert search_territories("") == []
    assert search_territories("zzzzqqq") == []


def test_limit_is_respected(france):
    assert len(search_territories("saint", limit=3)) == 3
