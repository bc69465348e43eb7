"""Builds the search index (SearchEntry, the full-text structures, the vocabulary, the unfiltered
facet counts) from the current Sirene import and the validated actors.

One code path for the full build and for the update of one actor: `entry_rows(run, sirens=…)`
reads the Sirene rows with one SQL join, Python adds names, normalised text, themes, labels,
position and score in batches, and the rows are written with COPY (PostgreSQL) or executemany
(SQLite). A full build runs in one transaction: the site keeps answering from the previous index
until it commits.
"""

import math
import time
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from essor.directory.search import facets as fx
from essor.directory.search.models import (
    GRID_ZOOM,
    SearchEntry,
    SearchEntryChange,
    SearchIndexState,
    SearchToken,
)
from essor.directory.search.text import normalise, normalise_cached
from essor.nomenclatures.workforce import midpoint_for

TABLE = SearchEntry._meta.db_table
CHANGE_TABLE = SearchEntryChange._meta.db_table
FTS_TABLE = "directory_search_fts"
TSV_INDEX = "directory_search_tsv"
BATCH = 20_000
LABEL_TEXT = {value: normalise(label) for value, label in fx.LABEL_LABELS.items()}

COLUMNS = [
    "run_id", "siret", "siren", "actor_slug", "name", "enseigne", "sigle", "commune_name",
    "postal_code", "naf_label", "is_head_office", "family", "legal_category",
    "legal_category_2", "naf", "naf_section", "naf_division", "sector", "themes", "labels",
    "employer", "size_band", "commune_code", "epci_siren", "departement_code", "region_code",
    "in_qpv", "is_open", "lat", "lon", "glat", "glon", "tx", "ty", "score", "completeness",
    "name_norm", "text_norm",
]  # fmt: skip

SIRENE_SQL = """
SELECT e.siret, e.siren, e.diffusion, u.diffusion, u.name, u.usual_name, u.sigle, e.enseigne,
       e.usual_name, e.postal_code, e.commune_code, e.epci_siren, e.departement_code,
       e.region_code, e.naf, e.naf_division, e.workforce_band, e.employer, e.state,
       e.is_head_office, e.lat, e.lon, e.qpv_code, u.family, u.legal_category, u.esus,
       u.siae_kind
FROM sirene_establishment e JOIN sirene_legalunit u ON u.id = e.legal_unit_id
WHERE e.run_id = %s AND u.run_id = %s
"""

# Contributed fields counted in the completeness of a profile.
PROFILE_FIELDS = [
    "description", "website", "public_email", "public_phone", "opening_hours", "address",
    "themes", "labels", "logo",
]  # fmt: skip


def tile_xy(lat: float, lon: float) -> tuple[int, int]:
    """Web Mercator cell of (lat, lon) on the 2**GRID_ZOOM grid."""
    n = 1 << GRID_ZOOM
    lat = max(min(lat, 85.05), -85.05)
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


class Context:
    """Lookups loaded once per build."""

    def __init__(self):
        from essor.nomenclatures.models import NafCode
        from essor.territories.models import Commune

        self.communes = {
            code: (name, lat, lon)
            for code, name, lat, lon in Commune.objects.values_list("code", "name", "lat", "lon")
        }
        self.naf = dict(NafCode.objects.values_list("code", "label"))
        self.naf_section = dict(
            NafCode.objects.filter(level="division").values_list("code", "section")
        )
        self.themes = fx.ThemeMatcher(fx.theme_naf_prefixes())
        self.tags = fx.theme_tags()
        self.sectors = {}
        self.actors = actors_by_siren()

    def sector(self, division: str) -> str:
        if division not in self.sectors:
            self.sectors[division] = fx.sector_of(division)
        return self.sectors[division]


def actors_by_siren(sirens: Iterable[str] | None = None) -> dict[str, dict]:
    from essor.directory.enums import ModerationStatus
    from essor.directory.models import Actor

    actors = Actor.objects.filter(status=ModerationStatus.VALIDATED).exclude(siren="")
    if sirens is not None:
        actors = actors.filter(siren__in=list(sirens))
    return {a.siren: actor_info(a) for a in actors}


def actor_info(actor) -> dict:
    filled = sum(1 for field in PROFILE_FIELDS if getattr(actor, field))
    return {
        "slug": actor.slug,
        "name": actor.name,
        "description": actor.description,
        "themes": sum(fx.THEME_BIT.get(t, 0) for t in actor.themes or []),
        "labels": sum(fx.LABEL_BIT.get(x, 0) for x in actor.labels or []),
        "completeness": round(100 * filled / len(PROFILE_FIELDS)),
    }


def score_of(tranche: str, is_open: bool, head_office: bool, completeness: int) -> float:
    employees = midpoint_for(tranche) or 0.0
    score = math.log10(1.0 + employees) + completeness / 50.0 + (0.2 if head_office else 0.0)
    return round(score if is_open else score - 3.0, 3)


def entry_rows(ctx: Context, run_id: int, sirens: list[str] | None = None) -> Iterator[list]:
    """Batches of index rows of the establishments of the run (only `sirens` when given).

    Rows are fetched BATCH at a time (a server-side cursor on PostgreSQL, so 1.5 M rows never
    sit in memory) and each batch is written before the next fetch: on PostgreSQL a COPY
    occupies the connection, so reading and writing alternate, they never overlap."""
    sql, params = SIRENE_SQL, [run_id, run_id]
    if sirens is not None:
        sql += " AND e.siren IN (" + ", ".join(["%s"] * len(sirens)) + ")"
        params += list(sirens)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor(name="directory_search_rows") as cursor:
            cursor.itersize = BATCH
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(BATCH):
                yield [sirene_row(ctx, run_id, row) for row in batch]
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            yield [sirene_row(ctx, run_id, row) for row in batch]


def sirene_row(ctx: Context, run_id: int, row: tuple) -> tuple:
    (siret, siren, e_diff, u_diff, u_name, u_usual, u_sigle, enseigne, e_usual, postal,
     commune, epci, dep, reg, naf, division, tranche, employer, state, head, lat, lon, qpv,
     family, category, esus, siae) = row  # fmt: skip
    actor = ctx.actors.get(siren)
    commune_name, clat, clon = ctx.communes.get(commune, ("", None, None))
    name = (actor and actor["name"]) or u_name or u_usual or u_sigle or siren
    enseigne = enseigne or e_usual or ""
    partial = e_diff == "P" or u_diff == "P"
    if partial or lat is None:
        lat = lon = None
    glat, glon = (lat, lon) if lat is not None else (clat, clon)
    tx, ty = tile_xy(glat, glon) if glat is not None else (None, None)
    themes = ctx.themes.bits_for(naf or "") | ctx.tags.get(siren, 0)
    labels = (fx.LABEL_BIT["esus"] if esus else 0) | (fx.LABEL_BIT["siae"] if siae else 0)
    if siae:
        themes |= fx.THEME_BIT["insertion"]
    completeness, description, slug = 0, "", siren
    if actor:
        themes |= actor["themes"]
        labels |= actor["labels"]
        completeness, description, slug = (
            actor["completeness"],
            actor["description"],
            actor["slug"],
        )
    is_open = state != "F"
    naf_label = ctx.naf.get(naf or "", "")
    # Name first, then enseigne, usual name and sigle: all count as « name » in the ranking.
    names = " ".join(dict.fromkeys(x for x in (name, enseigne, u_usual, u_sigle) if x))
    name_norm = normalise(names)
    text = [name_norm, normalise_cached(commune_name), postal or "", normalise_cached(naf_label)]
    if description:
        text.append(normalise(description))
    text += [siren, siret, *(LABEL_TEXT[v] for v in fx.bits_to_values(labels, fx.LABELS))]
    return (
        run_id, siret, siren, slug, name[:300], enseigne[:300], (u_sigle or "")[:100],
        commune_name, postal or "", naf_label, bool(head), family or "", category or "",
        (category or "")[:2], naf or "", ctx.naf_section.get(division or "", ""),
        division or "", ctx.sector(division or ""), themes, labels, employer,
        fx.size_band(tranche), commune or "", epci or "", dep or "", reg or "", bool(qpv),
        is_open, lat, lon, glat, glon, tx, ty, score_of(tranche, is_open, head, completeness),
        completeness, name_norm[:400], " ".join(w for w in text if w),
    )  # fmt: skip


def actor_rows(ctx: Context, slugs: list[str] | None = None) -> Iterator[list]:
    """One batch: the rows of the validated actors without SIREN (projects, collectives)."""
    yield list(_actor_rows(ctx, slugs))


def _actor_rows(ctx: Context, slugs: list[str] | None) -> Iterator[tuple]:
    from essor.directory.enums import LifeStage, ModerationStatus
    from essor.directory.models import Actor

    actors = Actor.objects.filter(status=ModerationStatus.VALIDATED, siren="")
    if slugs is not None:
        actors = actors.filter(slug__in=slugs)
    from essor.territories.models import Commune

    refs = {
        c.code: c
        for c in Commune.objects.filter(
            code__in=actors.exclude(commune=None).values("commune_id")
        ).select_related("departement", "epci")
    }
    for actor in actors:
        info = actor_info(actor)
        commune = refs.get(actor.commune_id)
        lat, lon = actor.lat, actor.lon
        glat, glon = (
            (lat, lon)
            if lat is not None
            else ((commune.lat, commune.lon) if commune else (None, None))
        )
        tx, ty = tile_xy(glat, glon) if glat is not None else (None, None)
        is_open = actor.life_stage != LifeStage.CLOSED
        commune_name = commune.name if commune else ""
        label_names = [fx.LABEL_LABELS[v] for v in fx.bits_to_values(info["labels"], fx.LABELS)]
        words = [actor.name, commune_name, actor.postal_code, actor.description, *label_names]
        yield (
            None, "", "", actor.slug, actor.name[:300], "", "", commune_name,
            actor.postal_code or "", "", False, "", "", "", "", "", "", "", info["themes"],
            info["labels"], None, "nr", commune.code if commune else "",
            (commune.epci_id or "") if commune else "",
            commune.departement_id if commune else "",
            commune.departement.region_id if commune else "", False, is_open, lat, lon,
            glat, glon, tx, ty, score_of("", is_open, False, info["completeness"]),
            info["completeness"], normalise(actor.name)[:400],
            normalise(" ".join(w for w in words if w)),
        )  # fmt: skip


def write_rows(batches: Iterable[list[tuple]]) -> tuple[int, Counter]:
    """Inserts batches of rows; returns (count, vocabulary counter of their text tokens)."""
    vocabulary: Counter = Counter()
    count = 0
    names = ", ".join(COLUMNS)
    text_at = COLUMNS.index("text_norm")
    insert = f"INSERT INTO {TABLE} ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    for batch in batches:  # fetched before the write starts (see entry_rows)
        if not batch:
            continue
        for row in batch:
            vocabulary.update(set(row[text_at].split()))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {TABLE} ({names}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(insert, batch)
        count += len(batch)
    return count, vocabulary


def write_vocabulary(vocabulary: Counter, replace: bool) -> None:
    table = SearchToken._meta.db_table
    rows = [(t, t[0], len(t), n) for t, n in vocabulary.items() if 1 < len(t) <= 100]
    with connection.cursor() as cursor:
        if replace:
            cursor.execute(f"DELETE FROM {table}")
        else:
            known = set(
                SearchToken.objects.filter(token__in=[r[0] for r in rows]).values_list(
                    "token", flat=True
                )
            )
            rows = [r for r in rows if r[0] not in known]
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {table} (token, first, length, frequency) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (token, first, length, frequency) VALUES (%s, %s, %s, %s)",
                rows,
            )


def current_run_id() -> int | None:
    from essor.sirene.models import ImportRun

    run = ImportRun.objects.current()
    return run.pk if run else None


def rebuild(stdout=None) -> SearchIndexState:
    """Full build of the index from the current import and the validated actors."""
    started = time.perf_counter()
    run_id = current_run_id()
    ctx = Context()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {TSV_INDEX}")
                cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
            else:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
                cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {CHANGE_TABLE}")  # the new snapshot has them all
        rows: Iterable[list] = entry_rows(ctx, run_id) if run_id else iter(())
        count, vocabulary = write_rows(rows)
        extra, more_words = write_rows(actor_rows(ctx))
        vocabulary.update(more_words)
        if stdout:
            stdout.write(f"step=entries rows={count + extra} s={time.perf_counter() - started:.1f}")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE INDEX {TSV_INDEX} ON {TABLE} USING gin (tsv)")
                cursor.execute(f"ANALYZE {TABLE}")
            else:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
                cursor.execute(f"ANALYZE {TABLE}")
        if stdout:
            stdout.write(f"step=full_text s={time.perf_counter() - started:.1f}")
        write_vocabulary(vocabulary, replace=True)
        from essor.directory.search.mapagg import build_cells

        cells = build_cells()
        if stdout:
            stdout.write(f"step=map_cells cells={cells} s={time.perf_counter() - started:.1f}")
        state = SearchIndexState.objects.order_by("pk").first() or SearchIndexState()
        state.run_id = run_id
        state.entries = count + extra
        state.version += 1
        state.facets = {}
        state.save()
        from essor.directory.search.query import unfiltered_facets

        state.facets = unfiltered_facets()
        state.seconds = round(time.perf_counter() - started, 2)
        state.save()
        # The columnar snapshot of the search engine, written before the commit: serving
        # processes that see the new index find its files.
        from essor.directory.search import engine

        if engine.enabled():
            engine.publish((state.pk, state.version, state.built_at, state.entries))
            if stdout:
                stdout.write(f"step=engine_snapshot s={time.perf_counter() - started:.1f}")
    return state


def log_changes(where: str, params: list) -> None:
    """Logs the ids of the entries matching `where` as changed (see engine.delta)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CHANGE_TABLE} (entry_id) SELECT id FROM {TABLE} WHERE {where}", params
        )


def _delete_entries(where: str, params: list) -> None:
    log_changes(where, params)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text_norm) "
                f"SELECT 'delete', id, text_norm FROM {TABLE} WHERE {where}",
                params,
            )
        cursor.execute(f"DELETE FROM {TABLE} WHERE {where}", params)


def _index_new_rows(since_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, text_norm) "
                f"SELECT id, text_norm FROM {TABLE} WHERE id > %s",
                [since_id],
            )


def reindex_actor(actor) -> None:
    """Refreshes the entries of one actor (its SIREN's establishments, or its own entry)."""
    with transaction.atomic():
        ctx = Context()
        last = SearchEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if actor.siren:
            where, params = "siren = %s", [actor.siren]
            adjust_cells(where, params, -1)
            _delete_entries(where, params)
            run_id = current_run_id()
            rows = entry_rows(ctx, run_id, [actor.siren]) if run_id else iter(())
        else:
            where, params = "actor_slug = %s AND siren = ''", [actor.slug]
            adjust_cells(where, params, -1)
            _delete_entries(where, params)
            rows = actor_rows(ctx, [actor.slug])
        _count, vocabulary = write_rows(rows)
        log_changes(where, params)  # the rows just written (by their key, not by id order)
        _index_new_rows(last)
        adjust_cells("id > %s", [last], 1)
        write_vocabulary(vocabulary, replace=False)
        bump_version()


def remove_actor(actor) -> None:
    """An actor left the directory: its own entry goes, its SIREN's entries lose its data."""
    if actor.siren:
        reindex_actor(actor)
        return
    with transaction.atomic():
        adjust_cells("actor_slug = %s AND siren = ''", [actor.slug], -1)
        _delete_entries("actor_slug = %s AND siren = ''", [actor.slug])
        bump_version()


def adjust_cells(where: str, params: list, sign: int) -> None:
    from essor.directory.search.mapagg import adjust_cells as adjust

    adjust(where, params, sign)


def bump_version() -> None:
    state = SearchIndexState.objects.order_by("pk").first()
    if state is not None:
        # Facet counts of the unfiltered page are recomputed on the next read.
        SearchIndexState.objects.filter(pk=state.pk).update(version=state.version + 1, facets={})
