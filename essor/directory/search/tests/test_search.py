import json

import pytest
from django.db import connection
from django.http import QueryDict

from essor.directory.models import Actor
from essor.directory.search import facets as fx
from essor.directory.search.indexer import reindex_actor, remove_actor
from essor.directory.search.mapagg import map_data
from essor.directory.search.models import SearchEntry
from essor.directory.search.params import parse
from essor.directory.search.query import search, suggest
from essor.directory.search.text import edit_distance, normalise, singular
from essor.sirene.models import Establishment

pytestmark = pytest.mark.django_db


def names(result):
    return [row["name"] for row in result.rows]


def run(query: str, **kwargs):
    return search(parse(QueryDict(query)), **kwargs)


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("L'Épicerie des Possibles", "epicerie possible"),
        ("ÉPICERIES", "epicerie"),
        ("Chevaux et jeux", "cheval jeu"),
        ("R.P.S. d'Anjou", "rps anjou"),
        ("qu'importe l’Œuvre", "importe oeuvre"),
        ("Saint-Étienne", "saint etienne"),
        ("Les Amis", "ami"),
        ("de la", "de la"),  # only stop words: kept
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_singular_keeps_short_words_and_double_s():
    assert singular("bus") == "bus"
    assert singular("express") == "express"
    assert singular("associations") == "association"


def test_edit_distance_stops_early():
    assert edit_distance("epicerie", "epicrie", 2) == 1
    assert edit_distance("abc", "xyzuvw", 2) == 3


# --- index -----------------------------------------------------------------------------------


def test_index_has_one_row_per_establishment_plus_actors_without_siren(directory):
    establishments = Establishment.objects.filter(run=directory).count()
    assert SearchEntry.objects.filter(run_id=directory.pk).count() == establishments
    assert SearchEntry.objects.filter(siren="", actor_slug="collectif-jardins").count() == 1
    assert not SearchEntry.objects.filter(actor_slug="refuse").exists()


def test_actor_data_merged_into_its_siren(directory):
    entries = SearchEntry.objects.filter(siren="100000001")
    assert {e.actor_slug for e in entries} == {"epicerie-des-possibles"}
    assert {e.name for e in entries} == {"Épicerie des Possibles"}
    assert all(e.labels & fx.LABEL_BIT["tiers_lieu"] for e in entries)
    assert all(e.completeness > 0 for e in entries)
    # Sirene entries without an actor row: slug = SIREN.
    assert SearchEntry.objects.get(siren="100000004").actor_slug == "100000004"


def test_full_text_structure_on_each_database(directory):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM directory_search_searchentry "
                "WHERE tsv @@ to_tsquery('simple', 'epicerie')"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM directory_search_fts WHERE directory_search_fts "
                "MATCH 'epicerie'"
            )
        assert (
            cursor.fetchone()[0]
            == SearchEntry.objects.filter(text_norm__contains="epicerie").count()
        )


def test_reindex_one_actor_after_a_change(directory):
    actor = Actor.objects.get(slug="epicerie-des-possibles")
    actor.name = "Le Comptoir des Possibles"
    actor.save()
    reindex_actor(actor)
    assert names(run("q=comptoir"))[0] == "Le Comptoir des Possibles"
    assert run("q=comptoir").total == 2
    actor.status = "removed"
    actor.save()
    remove_actor(actor)
    assert run("q=comptoir").total == 0
    assert run("q=epicerie+solidaire").total == 2  # back to the Sirene name


def test_reindex_an_actor_without_siren(directory):
    actor = Actor.objects.get(slug="collectif-jardins")
    actor.name = "Collectif des vergers"
    actor.save()
    reindex_actor(actor)
    assert names(run("q=vergers")) == ["Collectif des vergers"]
    assert run("q=jardins").total == 0


# --- search ----------------------------------------------------------------------------------


def test_accents_case_elisions_and_plural_match(directory):
    for query in ("q=EPICERIES", "q=épicerie", "q=l%27epicerie"):
        assert run(query).total == 4, query


def test_typo_is_corrected(directory):
    result = run("q=epicrie")
    assert result.total == 4
    assert result.text.corrected
    assert result.text.terms == ["epicerie"]
    assert run("q=ressourceri%20angevim").total == 1


def test_prefix_suggestions(directory):
    rows = suggest("ress")
    assert [r["name"] for r in rows] == ["Ressourcerie du Pays Angevin"]
    # Names starting with the prefix first, then names containing it.
    first = [r["name"] for r in suggest("epic")]
    assert set(first[:3]) == {"Épicerie des Possibles", "Les Épiceries de l'Ouest"}
    assert first[3] == "Atelier numérique Épicerie"


def test_name_match_ranks_first(directory):
    # "Atelier numérique Épicerie" is bigger, but the exact name comes first, then names that
    # start with the words, then names containing them, then other fields (description).
    ordered = names(run("q=epicerie"))
    assert set(ordered[:3]) == {"Épicerie des Possibles", "Les Épiceries de l'Ouest"}
    assert ordered[3] == "Atelier numérique Épicerie"
    assert names(run("q=epicerie+des+possibles"))[0] == "Épicerie des Possibles"
    # Same words, but the name of the bigger structure starts with them: it comes first.
    assert names(run("q=epicerie+ouest"))[0] == "Les Épiceries de l'Ouest"
    exact = names(run("q=Ressourcerie+du+Pays+Angevin"))
    assert exact == ["Ressourcerie du Pays Angevin"]


def test_search_by_siren(directory):
    assert names(run("q=100000004")) == ["Ressourcerie du Pays Angevin"]


def independent_counts(queryset_filter: dict) -> int:
    return SearchEntry.objects.filter(**queryset_filter).count()


def facet(result, key):
    return {v.value: v.count for f in result.facets if f.key == key for v in f.values}


def test_each_facet_count_equals_an_independent_count(directory):
    result = run("")
    assert result.total == SearchEntry.objects.count()
    for value, count in facet(result, "famille").items():
        assert count == independent_counts({"family": value})
    for value, count in facet(result, "taille").items():
        assert count == independent_counts({"size_band": value})
    for value, count in facet(result, "categorie").items():
        assert count == independent_counts({"legal_category_2": value})
    for value, count in facet(result, "region").items():
        assert count == independent_counts({"region_code": value})
    themes = facet(result, "theme")
    for value, count in themes.items():
        expected = sum(1 for e in SearchEntry.objects.all() if e.themes & fx.THEME_BIT[value])
        assert count == expected
    assert themes["alimentation_durable"] >= 4  # NAF 47.11B + the actors' themes
    labels = facet(result, "label")
    assert labels["esus"] == independent_counts({"siren__in": ["100000002", "100000006"]})
    assert labels["siae"] == 1
    assert facet(result, "etat") == {
        "ouvert": independent_counts({"is_open": True}),
        "ferme": independent_counts({"is_open": False}),
    }
    assert facet(result, "qpv") == {"oui": 1, "non": SearchEntry.objects.count() - 1}
    assert facet(result, "employeur")["oui"] == independent_counts({"employer": True})


def test_facets_are_disjunctive_and_filter(directory):
    result = run("famille=association&famille=mutuelle&departement=44")
    assert result.total == independent_counts(
        {"family__in": ["association", "mutuelle"], "departement_code": "44"}
    )
    # The family counts ignore the family selection, keep the département.
    families = facet(result, "famille")
    assert families["cooperative"] == independent_counts(
        {"family": "cooperative", "departement_code": "44"}
    )
    # Drill down: with a département selected, the territory facet lists EPCI.
    assert set(facet(result, "epci")) == {"244400404"}
    filtered = facet(run("q=epicerie&theme=alimentation_durable"), "famille")
    assert sum(filtered.values()) == run("q=epicerie&theme=alimentation_durable").total


def test_facet_only_filters_use_the_precomputed_groups(directory):
    result = run("famille=association&famille=cooperative&taille=1&etat=ouvert")
    assert result.total == independent_counts(
        {"family__in": ["association", "cooperative"], "size_band": "1", "is_open": True}
    )
    assert facet(result, "taille")["2"] == independent_counts(
        {"family__in": ["association", "cooperative"], "size_band": "2", "is_open": True}
    )
    assert facet(result, "famille")["cooperative"] == independent_counts(
        {"family": "cooperative", "size_band": "1", "is_open": True}
    )
    assert [r["name"] for r in result.rows] == list(
        SearchEntry.objects.filter(
            family__in=["association", "cooperative"], size_band="1", is_open=True
        )
        .order_by("-score", "id")
        .values_list("name", flat=True)
    )


def test_unfiltered_facets_are_precomputed(directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        run("")


def test_radius_around_a_commune_or_postal_code(directory):
    near_nantes = run("autour=Nantes&rayon=10")
    assert near_nantes.center.name == "Nantes"
    assert near_nantes.total == SearchEntry.objects.filter(departement_code="44").count()
    assert run("autour=44000&rayon=10").total == near_nantes.total
    assert run("autour=3+place+du+Ralliement+49000+Angers&rayon=5").total == 2
    unknown = run("autour=Atlantide")
    assert unknown.messages and unknown.total == SearchEntry.objects.count()


def test_bbox_filter(directory):
    # Around Angers only.
    result = run("bbox=-0.7,47.4,-0.4,47.6&zone=1")
    assert result.total == SearchEntry.objects.filter(commune_code="49007").count()
    # Without « dans la zone », the bbox is only the map position.
    assert run("bbox=-0.7,47.4,-0.4,47.6").total == SearchEntry.objects.count()


def test_territory_of_the_widget(directory):
    assert (
        run("territoire=epci:244400404").total
        == SearchEntry.objects.filter(epci_siren="244400404").count()
    )


# --- map ---------------------------------------------------------------------------------------


def test_map_points_and_cells_sum_to_the_total(directory, monkeypatch):
    params = parse(QueryDict(""))
    france = (-5.5, 41.0, 10.0, 51.5)
    data = map_data(params, france, 5)
    assert data["total"] == SearchEntry.objects.exclude(glat=None).count()
    assert len(data["points"]) == data["total"]
    from essor.directory.search import mapagg

    monkeypatch.setattr(mapagg, "POINT_LIMIT", 2)
    cells = map_data(params, france, 8)
    assert sum(c["n"] for c in cells["cells"]) == cells["total"] == data["total"]
    assert len(cells["cells"]) >= 2  # Nantes and Angers apart at zoom 8
    assert len(json.dumps(cells)) < 300_000


def test_partial_diffusion_never_exposes_coordinates(directory, client):
    partial = SearchEntry.objects.get(siren="100000003")
    assert partial.lat is None and partial.lon is None
    exact = Establishment.objects.get(siren="100000003")
    body = client.get("/annuaire/carte.json?bbox=-5,41,10,51&zoom=12").content.decode()
    assert f"{exact.lat:.5f}"[:7] not in body
    point = next(p for p in json.loads(body)["points"] if p["slug"] == "100000003")
    assert point["approx"] is True
    assert (point["lat"], point["lon"]) == (47.2184, -1.5536)  # the commune centroid
    page = client.get("/annuaire/?q=velo").content.decode()
    assert "Vélo Campus" in page
    assert f"{exact.lat}"[:7] not in page


# --- URL state ---------------------------------------------------------------------------------


def test_url_state_round_trip():
    query = (
        "q=epicerie+vrac&famille=association&famille=cooperative&theme=alimentation_durable"
        "&label=esus&taille=1&departement=44&employeur=oui&qpv=non&etat=ouvert"
        "&territoire=epci%3A244400404&autour=44000&rayon=5&bbox=-1.70000%2C47.10000%2C-1.40000"
        "%2C47.30000&zone=1&page=2"
    )
    params = parse(QueryDict(query))
    assert not params.errors
    again = parse(QueryDict(params.to_query()))
    assert again == params
    assert params.to_query() == query


def test_bad_values_are_reported_and_dropped():
    params = parse(QueryDict("famille=pirate&departement=xx&page=abc&bbox=1,2&employeur=peut-etre"))
    assert params.famille == () and params.departement == () and params.page == 1
    assert params.bbox is None and params.employeur is None
    assert len(params.errors) == 5


def test_actor_events_reindex(directory):
    from essor.directory.events import actor_changed, actor_removed

    actor = Actor.objects.get(slug="collectif-jardins")
    actor.name = "Jardins du Seil"
    actor.save()
    actor_changed(actor)
    assert names(run("q=seil")) == ["Jardins du Seil"]
    actor_removed(actor)
    assert run("q=seil").total == 0


# --- Exports and alerts from the results ---------------------------------------------------------


def test_results_offer_exports_and_alerts_with_the_current_filters(directory, client):
    page = client.get("/annuaire/?q=velo&famille=association").content.decode()
    assert "/annuaire/export.csv?q=velo&amp;famille=association" in page
    assert "/annuaire/export.geojson?q=velo&amp;famille=association" in page
    assert "Connectez-vous pour enregistrer cette recherche" in page
    partial = client.get("/annuaire/?q=velo", HTTP_HX_REQUEST="true").content.decode()
    assert "/annuaire/export.xlsx?q=velo" in partial
