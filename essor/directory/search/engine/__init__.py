"""In-process columnar search engine over the SearchEntry index (numpy).

`engine_for(state)` gives the Engine of the current index (its snapshot and the delta of the
current version) or None while it is not available (the SQL path of query.py answers then);
`search.run` answers a search from it with exact counts and facets and the ranking of the SQL
path. snapshot.py: the columnar layout; store.py: reading it from the database, the files;
delta.py: the entries changed since; evaluate.py: a search on one snapshot."""

import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from essor.directory.search.engine import delta as dl
from essor.directory.search.engine import snapshot as sn
from essor.directory.search.engine import store

log = logging.getLogger(__name__)
ENABLED = True  # settings.DIRECTORY_SEARCH_ENGINE = False turns it off too


@dataclass
class Engine:
    key: str
    snapshot: sn.Snapshot
    delta: dl.Delta | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_engines: dict[str, Engine] = {}
_building: set[str] = set()
_lock = threading.Lock()


def enabled() -> bool:
    return ENABLED and getattr(settings, "DIRECTORY_SEARCH_ENGINE", True)


def current_state() -> tuple | None:
    """(pk, version, built_at, entries) of the index state, or None."""
    from essor.directory.search.models import SearchIndexState

    return (
        SearchIndexState.objects.order_by("pk")
        .values_list("pk", "version", "built_at", "entries")
        .first()
    )


def engine_for(state: tuple | None) -> Engine | None:
    if not enabled() or state is None:
        return None
    key = store.index_key(state[:3])
    alias = connection.alias
    engine = _engines.get(alias)
    if engine is None or engine.key != key:
        snapshot = store.load(key)
        if snapshot is None:
            if state[3] >= store.FILE_MIN_ENTRIES:
                start_build(key)  # minutes at national size: the SQL path answers meanwhile
                return None
            snapshot = store.build_from_database()
        engine = Engine(key, snapshot)
        with _lock:
            _engines[alias] = engine
    if engine.delta is None or engine.delta.version != state[1]:
        with engine.lock:
            if engine.delta is None or engine.delta.version != state[1]:
                engine.delta = dl.load(engine.snapshot, state[1])
    return engine


def publish(state: tuple) -> Engine:
    """Builds the snapshot of the index just built (called by the full build, inside its
    transaction), writes it when big enough and serves it in this process."""
    key = store.index_key(state[:3])
    snapshot = store.build_from_database()
    if snapshot.n >= store.FILE_MIN_ENTRIES:
        store.save(snapshot, key)
    engine = Engine(key, snapshot, dl.Delta.empty(state[1]))
    with _lock:
        _engines[connection.alias] = engine
    return engine


def start_build(key: str) -> None:
    with _lock:
        if key in _building:
            return
        _building.add(key)

    def work():
        from django.db import connection as thread_connection

        try:
            build_and_save(key)
        except Exception:  # noqa: BLE001 — the SQL path keeps answering
            log.exception("directory search engine: snapshot build failed")
        finally:
            thread_connection.close()
            with _lock:
                _building.discard(key)

    threading.Thread(target=work, name="directory-search-snapshot", daemon=True).start()


def build_and_save(key: str) -> None:
    store.save(store.build_from_database(), key)


def forget() -> None:
    """Drops the snapshots held by this process (tests)."""
    with _lock:
        _engines.clear()
