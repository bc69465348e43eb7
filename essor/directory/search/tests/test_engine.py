"""The columnar engine answers exactly what the SQL path answers (uncapped): totals, facet
counts, page order, on a generated index of a few thousand entries, for many drawn searches;
also after actor changes (the delta) and after a full rebuild (a new snapshot)."""

import pytest
from django.db import connection
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essor.directory.search import engine, query
from essor.directory.search import facets as fx
from essor.directory.search.engine import store
from essor.directory.search.engine.search import run
from essor.directory.search.indexer import rebuild, reindex_actor, remove_actor
from essor.directory.search.models import SearchEntry, SearchToken
from essor.directory.search.params import parse
from essor.directory.search.tests import generated
from essor.directory.search.text import edit_distance, edit_distances

pytestmark = pytest.mark.django_db
CHECKS = settings(
    max_examples=200, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.fixture
def index(db, monkeypatch):
    generated.make_referential()
    generated.make_sirene(1500, seed=7)
    actors = generated.make_actors(30, seed=7)
    rebuild()
    monkeypatch.setattr(query, "COUNT_CAP", 10**9)  # the SQL path exact, as the engine
    monkeypatch.setattr(query, "CACHE_SECONDS", 0)
    return actors


def shape(result):
    return {
        "total": result.total,
        "page": (result.page, result.pages),
        "ids": [row["id"] for row in result.rows],
        "rows": result.rows,
        "facets": [
            (f.key, f.legend, [(v.value, v.label, v.count, v.selected) for v in f.values])
            for f in result.facets
        ],
        "messages": result.messages,
        "terms": result.text and (result.text.terms, result.text.prefix),
    }


def both(text: str, page_size: int = 20):
    params = parse(QueryDict(text))
    sql = query._search(params, True, page_size)
    found = engine.engine_for(engine.current_state())
    assert found is not None
    fast = run(found, params, True, page_size)
    assert not (fast.total_capped or fast.facets_capped or sql.total_capped or sql.facets_capped)
    return shape(sql), shape(fast)


def assert_same(text: str, page_size: int = 20):
    sql, fast = both(text, page_size)
    assert fast == sql, text


def vocabulary() -> list[str]:
    """Name and text tokens, the frequent ones repeated (so that most draws find rows)."""
    rows = SearchToken.objects.exclude(token__regex=r"^[0-9]+$").values_list("token", "frequency")
    words = []
    for token, frequency in rows.order_by("token"):
        words += [token] * min(1 + frequency // 20, 10)
    return words


FACETS = [
    ("famille", list(fx.FAMILY_LABELS)), ("categorie", ["92", "54", "82", "93", "63", "99"]),
    ("secteur", None), ("theme", fx.THEMES), ("label", fx.LABELS),
    ("taille", ["0", "1", "2", "3", "4", "nr"]), ("region", ["52", "53"]),
    ("departement", ["44", "49", "35", "29"]), ("epci", ["244400404", "242900314"]),
    ("commune", ["44109", "49007", "29019", "35238"]), ("employeur", ["oui", "non"]),
    ("qpv", ["oui", "non"]), ("etat", ["ouvert", "ferme"]),
]  # fmt: skip
OPTIONAL = {
    "territoire": ["epci:244400404", "departement:29", "region:53", "commune:44143"],
    "autour": ["44000", "Angers", "29200", "Atlantide"],
    "bbox": ["-1.7,47.1,-1.4,47.3", "-5,47.5,-1.5,49", "-0.9,47,0,47.6"],
}


@st.composite
def searches(draw, words: list[str]):
    pairs: list[tuple[str, str]] = []
    terms = draw(st.lists(st.sampled_from(words), max_size=3))
    mode = draw(st.sampled_from(["mot", "préfixe", "faute", "brut"]))
    if terms and mode == "préfixe":
        terms[-1] = terms[-1][: draw(st.integers(1, len(terms[-1])))]
    elif terms and mode == "faute":
        word = terms[0]
        at = draw(st.integers(0, len(word) - 1))
        terms[0] = word[:at] + draw(st.sampled_from("aeiouxzé")) + word[at + 1 :]
    elif mode == "brut":
        terms = [draw(st.sampled_from(["L'Épiceries", "CLUBS", "d'ici", "R.P.S.", "300000012"]))]
    if terms:
        pairs.append(("q", " ".join(terms)))
    for key, values in draw(
        st.lists(st.sampled_from(FACETS), max_size=3, unique_by=lambda f: f[0])
    ):
        values = values or sorted(fx.sector_labels())[:8]
        if key in ("employeur", "qpv", "etat"):
            pairs.append((key, draw(st.sampled_from(values))))
        else:
            chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=2))
            pairs += [(key, v) for v in chosen]
    for key in draw(st.lists(st.sampled_from(sorted(OPTIONAL)), max_size=1)):
        pairs.append((key, draw(st.sampled_from(OPTIONAL[key]))))
        if key == "autour":
            pairs.append(("rayon", str(draw(st.sampled_from([2, 5, 10, 30, 100])))))
        if key == "bbox":
            pairs.append(("zone", "1"))
    pairs.append(("page", str(draw(st.integers(1, 4)))))
    q = QueryDict(mutable=True)
    for key, value in pairs:
        q.appendlist(key, value)
    return q.urlencode(), draw(st.sampled_from([5, 20]))


def test_engine_equals_sql_on_drawn_searches(index):
    words = vocabulary()

    @CHECKS
    @given(searches(words))
    def check(drawn):
        assert_same(*drawn)

    check()


@pytest.mark.parametrize(
    "text",
    [
        "", "q=association", "q=coop", "q=asociation", "q=club+sport", "q=epiceries+solidaire",
        "famille=cooperative&taille=1", "departement=44", "q=association&epci=244400404",
        "q=solidaire&theme=alimentation_durable&employeur=oui", "autour=44000&rayon=10",
        "q=culture&commune=44109", "q=c&page=3", "etat=ferme&page=2", "q=300000012",
    ],
)  # fmt: skip
def test_engine_equals_sql_on_the_bench_queries(index, text):
    assert_same(text)
    assert_same(text, page_size=5)


@pytest.mark.parametrize("typed", ["ass", "epic", "club sp", "coop", "c", "asociation", "zzz"])
def test_suggestions_from_the_engine_equal_sql(index, monkeypatch, typed):
    fast = query.suggest(typed)
    monkeypatch.setattr(engine, "ENABLED", False)
    assert fast == query.suggest(typed)


def test_engine_follows_actor_changes_and_full_rebuilds(index):
    actors = index
    key = engine.engine_for(engine.current_state()).key
    for actor in actors[:6]:
        actor.name = f"Comptoir {actor.name}"
        actor.themes = ["alimentation_durable"]
        actor.save()
        reindex_actor(actor)
    removed = actors[6:9]
    for actor in removed:
        actor.status = "removed"
        actor.save()
        remove_actor(actor)
    found = engine.engine_for(engine.current_state())
    assert found.key == key and len(found.delta.dead) and found.delta.rows.n  # same snapshot
    for text in ("q=comptoir", "", "theme=alimentation_durable", "q=comptoir&departement=44",
                 "region=52&famille=association", "q=c", "etat=ouvert&page=3"):  # fmt: skip
        assert_same(text)
        assert_same(text, page_size=5)
    assert both("q=comptoir")[1]["total"] >= 6
    rebuild()
    fresh = engine.engine_for(engine.current_state())
    assert fresh.key != key and not len(fresh.delta.dead) and not fresh.delta.rows.n
    assert_same("q=comptoir")


def test_snapshot_files_are_written_and_opened(index, tmp_path, monkeypatch, settings):
    settings.DIRECTORY_SEARCH_ENGINE_DIR = str(tmp_path)
    monkeypatch.setattr(store, "FILE_MIN_ENTRIES", 0)
    rebuild()
    state = engine.current_state()
    key = store.index_key(state[:3])
    assert (tmp_path / key / "meta.json").exists()
    engine.forget()  # another process: opens the files
    opened = engine.engine_for(state)
    assert opened.snapshot.n == SearchEntry.objects.count()
    assert not opened.snapshot.ids.flags.writeable  # mmap, read-only
    for text in ("q=association", "famille=cooperative&taille=1", "q=coop&departement=44"):
        assert_same(text)
    actor = index[0]  # a change made by another process: logged, served as a delta
    actor.name = "Coopérative Nouvelle"
    actor.save()
    reindex_actor(actor)
    assert engine.engine_for(engine.current_state()).snapshot is opened.snapshot
    for text in ("q=nouvelle", "q=coop", "famille=cooperative&taille=1"):
        assert_same(text)


def test_big_index_without_files_is_served_by_sql_while_built(
    index, tmp_path, monkeypatch, settings
):
    settings.DIRECTORY_SEARCH_ENGINE_DIR = str(tmp_path)
    monkeypatch.setattr(store, "FILE_MIN_ENTRIES", 10)  # this index counts as big
    started = []

    class Thread:  # the build is run below, in this thread (same test transaction)
        def __init__(self, target, **kwargs):
            started.append(target)

        def start(self):
            pass

    monkeypatch.setattr(engine.threading, "Thread", Thread)
    engine.forget()
    state = engine.current_state()
    assert engine.engine_for(state) is None and len(started) == 1
    monkeypatch.setattr(query, "COUNT_CAP", 3)
    assert query.search(parse(QueryDict("q=association"))).total_capped  # the SQL path
    assert engine.engine_for(state) is None and len(started) == 1  # one build at a time
    key = store.index_key(state[:3])
    engine.build_and_save(key)
    engine._building.discard(key)
    found = engine.engine_for(state)
    assert found is not None and found.snapshot.n == SearchEntry.objects.count()
    assert not query.search(parse(QueryDict("q=association"))).total_capped


def test_search_uses_the_engine_and_falls_back_to_sql(index, monkeypatch):
    result = query.search(parse(QueryDict("q=association")))
    assert result.total == sum(
        1 for _ in SearchEntry.objects.filter(text_norm__contains="association")
    )
    monkeypatch.setattr(engine, "ENABLED", False)
    monkeypatch.setattr(query, "COUNT_CAP", 3)
    capped = query.search(parse(QueryDict("q=association")))
    assert capped.total_capped and capped.total == 3
    assert connection.vendor in ("sqlite", "postgresql")


@settings(max_examples=200, deadline=None)
@given(st.text("abcdé", max_size=10), st.lists(st.text("abcde", max_size=12), max_size=20))
def test_vectorised_edit_distances_equal_the_reference(word, candidates):
    assert list(edit_distances(word, candidates)) == [
        edit_distance(word, c, 100) for c in candidates
    ]


def same_map(a: dict, b: dict) -> None:
    assert (a["total"], a["zoom"], a["points"]) == (b["total"], b["zoom"], b["points"])
    cells_a = sorted((c["n"], c["lat"], c["lon"]) for c in a["cells"])
    cells_b = sorted((c["n"], c["lat"], c["lon"]) for c in b["cells"])
    assert [c[0] for c in cells_a] == [c[0] for c in cells_b]
    for (_, lat_a, lon_a), (_, lat_b, lon_b) in zip(cells_a, cells_b, strict=True):
        assert lat_a == pytest.approx(lat_b, abs=2e-4) and lon_a == pytest.approx(lon_b, abs=2e-4)


@pytest.mark.parametrize("text", ["q=association", "theme=alimentation_durable", "q=c&qpv=non",
                                  "employeur=oui&departement=44", "autour=44000&rayon=30", ""])  # fmt: skip
@pytest.mark.parametrize(
    ("bbox", "zoom"), [((-5.5, 41.2, 9.8, 51.2), 5), ((-2.0, 47.0, -1.0, 47.5), 9),
                       ((-1.64, 47.17, -1.48, 47.26), 12), ((-5.5, 41.2, 9.8, 51.2), 11)],
)  # fmt: skip
def test_engine_map_equals_the_live_sql_map(index, monkeypatch, text, bbox, zoom):
    from essor.directory.search import mapagg
    from essor.directory.search.engine.maps import map_data

    monkeypatch.setattr(mapagg, "MAX_CELLS", 6)  # the coarsening loop runs too
    params = parse(QueryDict(text))
    found = engine.engine_for(engine.current_state())
    same_map(map_data(found, params, bbox, zoom), mapagg.live_map_data(params, bbox, zoom))
    monkeypatch.setattr(mapagg, "POINT_LIMIT", 10_000)  # every entry as a point
    same_map(map_data(found, params, bbox, zoom), mapagg.live_map_data(params, bbox, zoom))
