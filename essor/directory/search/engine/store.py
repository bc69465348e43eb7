"""Reading snapshots from the database and keeping them on disk.

A snapshot of the whole index is written as .npy files under
`<VAR_DIR>/search-engine/<key>/` (key: database and full build, see `index_key`) at the end
of `essor directory reindex`, and opened with mmap by every serving process (a cheap start, the
pages shared between processes). Small indexes (tests, a small territory) are kept in memory
only (`FILE_MIN_ENTRIES`)."""

import json
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from essor.directory.search.engine import snapshot as sn
from essor.directory.search.models import SearchEntry, SearchEntryChange

TABLE = SearchEntry._meta.db_table
CHANGE_TABLE = SearchEntryChange._meta.db_table
FILE_MIN_ENTRIES = 100_000  # below: built in memory when needed, never written
FORMAT = 3


def index_key(state: tuple | None) -> str:
    """Identifies the content of a full build on this database: vendor, database name, the
    index state row and the time of its last full build (an actor change does not move it)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(connection.settings_dict.get("NAME") or ""))
    if state is None:
        return f"{connection.vendor}-{name[-60:]}-none"
    pk, _version, built_at = state
    stamp = built_at.timestamp() if built_at else 0
    return f"{connection.vendor}-{name[-60:]}-{pk}-{stamp:.6f}"


def root() -> Path:
    return Path(
        getattr(settings, "DIRECTORY_SEARCH_ENGINE_DIR", "") or settings.VAR_DIR / "search-engine"
    )


def rows(where: str = "1 = 1", args: list | None = None):
    """The SELECT columns of the matching entries in (score DESC, id) order, streamed (a
    server-side cursor on PostgreSQL)."""
    sql = f"SELECT {', '.join(sn.SELECT)} FROM {TABLE} WHERE {where} ORDER BY score DESC, id"
    if connection.vendor == "postgresql":
        with transaction.atomic():
            connection.ensure_connection()
            with connection.connection.cursor(name="directory_search_engine") as cursor:
                cursor.itersize = 20_000
                cursor.execute(sql, args or [])
                yield from cursor
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, args or [])
        while batch := cursor.fetchmany(20_000):
            yield from batch


def build_from_database() -> sn.Snapshot:
    started = time.perf_counter()
    snapshot = sn.build(rows())
    snapshot.meta["build_s"] = round(time.perf_counter() - started, 2)
    return snapshot


ARRAYS = ["ids", "score", "themes", "labels", "glat", "glon", "tx", "ty", "name_code", "group"]


def save(snapshot: sn.Snapshot, key: str) -> Path:
    """Writes the snapshot under root()/key (atomically: a temporary directory renamed) and
    removes the other snapshots of the same database."""
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    final = base / key
    work = base / f".{key}.{os.getpid()}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    for name in ARRAYS:
        np.save(work / f"{name}.npy", getattr(snapshot, name))
    for column, codes in snapshot.codes.items():
        np.save(work / f"codes.{column}.npy", codes)
    for column, values in snapshot.group_columns.items():
        np.save(work / f"group.{column}.npy", values)
    for name, values in snapshot.derived.items():
        np.save(work / f"derived.{name}.npy", values)
    np.save(work / "names.blob.npy", snapshot.names.blob)
    np.save(work / "names.offsets.npy", snapshot.names.offsets)
    for prefix in ("text", "name_tokens"):
        post: sn.Postings = getattr(snapshot, prefix)
        np.save(work / f"{prefix}.words.blob.npy", post.words.blob)
        np.save(work / f"{prefix}.words.offsets.npy", post.words.offsets)
        np.save(work / f"{prefix}.offsets.npy", post.offsets)
        np.save(work / f"{prefix}.positions.npy", post.positions)
    meta = {
        "format": FORMAT, "n": snapshot.n, "values": snapshot.values,
        "derived": sorted(snapshot.derived), **snapshot.meta,
    }  # fmt: skip
    (work / "meta.json").write_text(json.dumps(meta))
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
    work.rename(final)
    database = key.rsplit("-", 2)[0]
    for other in base.iterdir():
        if other.name != key and other.name.startswith(database + "-"):
            shutil.rmtree(other, ignore_errors=True)
    return final


def load(key: str) -> sn.Snapshot | None:
    """The snapshot written for `key` (arrays opened with mmap), or None."""
    path = root() / key
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("format") != FORMAT:
        return None

    def arr(name: str) -> np.ndarray:
        # A plain ndarray over the mapped file (np.memmap's slicing is slower).
        return np.load(path / f"{name}.npy", mmap_mode="r").view(np.ndarray)

    def post(prefix: str) -> sn.Postings:
        words = sn.Words(arr(f"{prefix}.words.blob"), arr(f"{prefix}.words.offsets"))
        return sn.Postings(words, arr(f"{prefix}.offsets"), arr(f"{prefix}.positions"))

    return sn.Snapshot(
        n=meta["n"], **{name: arr(name) for name in ARRAYS},
        codes={c: arr(f"codes.{c}") for c in sn.CODED}, values=meta["values"],
        names=sn.Words(arr("names.blob"), arr("names.offsets")), text=post("text"),
        name_tokens=post("name_tokens"),
        group_columns={c: arr(f"group.{c}") for c in sn.GROUPED},
        derived={name: arr(f"derived.{name}") for name in meta["derived"]},
        meta={k: v for k, v in meta.items() if k not in ("values", "n", "derived")},
    )  # fmt: skip


def changed_ids() -> list[int]:
    """Ids logged by actor changes since the last full build."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT entry_id FROM {CHANGE_TABLE}")
        return [row[0] for row in cursor.fetchall()]


def changed_rows() -> sn.Snapshot:
    """The current rows of the logged ids (the delta snapshot)."""
    return sn.build(rows(f"id IN (SELECT entry_id FROM {CHANGE_TABLE})"))
