"""`essor indicators compute`: the pre-aggregated indicators of a Sirene import.

Steps (each timed, shown with a progress line):
1. lecture — the run's ESS establishments and their legal units (needed columns only), the
   all-establishment aggregates per commune, the commune table, into DuckDB (source.py);
2. qpv — establishments outside any QPV within 300 m of one (essor.observatory.qpvgeo);
3. calcul — the cells of every dimension at every level, and the largest employers (cells.py);
4. ecriture — the cells and largest employers packed into one row per territory and perimeter
   (IndicatorBlock, cells.pack), bulk-written (PostgreSQL COPY, SQLite executemany: the Sirene
   pipeline's write paths) after deleting the run's previous blocks and those of runs no longer
   online.

Called by `essor sirene import` just before the new run goes online, so that the figures switch
with the data. The thematic fields (ThemeNafCode, ThemeTag) are read at compute time: editing them
marks the IndicatorSet stale (fields then read from the detail tables) until the next compute.
"""

import shutil
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Max
from tqdm import tqdm

from essor.observatory import qpvgeo
from essor.observatory.compute import cells, source
from essor.observatory.models import IndicatorBlock, IndicatorSet, ThemeNafCode, ThemeTag
from essor.sirene.models import ImportRun
from essor.sirene.pipeline import load

BLOCK_COLUMNS = ["run_id", "perimeter", "territory_kind", "territory_code", *cells.BLOCK_VALUES]


class Steps:
    def __init__(self, progress: bool, stdout=None):
        self.progress, self.stdout, self.durations = progress, stdout, {}

    @contextmanager
    def step(self, key: str, label: str):
        bar = tqdm(total=1, desc=label, disable=not self.progress, file=sys.stderr, leave=True)
        start = time.perf_counter()
        try:
            yield
            bar.update(1)
        finally:
            bar.close()
            self.durations[key] = round(time.perf_counter() - start, 3)
            if self.stdout is not None:
                self.stdout.write(f"step={key} duration={self.durations[key]}s")


def theme_signature() -> tuple:
    """Changes whenever a thematic NAF code or a tag is added, edited or removed."""
    naf = ThemeNafCode.objects.aggregate(n=Count("id"), last=Max("id"))
    tags = ThemeTag.objects.aggregate(n=Count("id"), last=Max("id"))
    codes = tuple(ThemeNafCode.objects.order_by("id").values_list("theme", "naf"))
    return (naf["n"], naf["last"], tags["n"], tags["last"], hash(codes))


def _connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    temp = work_dir / "duckdb-indicators"
    temp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": settings.DUCKDB_MEMORY_LIMIT,
            "threads": int(settings.DUCKDB_THREADS),
            "temp_directory": str(temp),
        },
    )
    con.execute("SET enable_progress_bar = false")
    return con


def _register_themes(con: duckdb.DuckDBPyConnection) -> None:
    naf = list(ThemeNafCode.objects.values_list("theme", "naf"))
    tags = list(ThemeTag.objects.values_list("theme", "siren"))
    con.register(
        "theme_naf_src",
        pa.table(
            {
                "theme": pa.array([t for t, _ in naf], pa.string()),
                "naf": pa.array([n for _, n in naf], pa.string()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE theme_naf AS SELECT theme, naf, left(naf, 2) AS division "
        "FROM theme_naf_src"
    )
    con.register(
        "theme_tag_src",
        pa.table(
            {
                "theme": pa.array([t for t, _ in tags], pa.string()),
                "siren": pa.array([s for _, s in tags], pa.string()),
            }
        ),
    )
    con.execute("CREATE OR REPLACE TABLE theme_tag AS SELECT * FROM theme_tag_src")


def _near(con: duckdb.DuckDBPyConnection) -> int:
    points = cells.near_points(con)
    index, codes = qpvgeo.qpv_index().pairs(points["lon"], points["lat"], points["commune_code"])
    rids = np.asarray(points["rid"])[index] if len(index) else np.array([], dtype=np.int64)
    con.register(
        "pairs_src",
        pa.table({"rid": pa.array(rids, pa.int64()), "qpv": pa.array(codes.tolist(), pa.string())}),
    )
    con.execute("CREATE OR REPLACE TABLE near_pairs AS SELECT * FROM pairs_src")
    return len(rids)


def delete_blocks(keep: list[int]) -> None:
    """Deletes the indicator blocks of every run not in `keep`."""
    table = IndicatorBlock._meta.db_table
    with connection.cursor() as cursor:
        if keep:
            marks = ", ".join(["%s"] * len(keep))
            cursor.execute(f"DELETE FROM {table} WHERE run_id NOT IN ({marks})", keep)
        else:
            cursor.execute(f"DELETE FROM {table}")


def compute_indicators(
    run: ImportRun | None = None,
    *,
    progress: bool = True,
    stdout=None,
    snapshot: Path | None = None,
) -> IndicatorSet:
    """Computes and writes the indicators of `run` (default: the current run), from the
    import's `snapshot` (source.snapshot_from_staging) when given, else from the database."""
    run = run or ImportRun.objects.current()
    if run is None:
        raise CommandError("Aucun import Sirene en ligne : lancez d'abord essor sirene import.")
    work_dir = Path(settings.SIRENE_WORK_DIR)
    work_dir.mkdir(parents=True, exist_ok=True)
    steps = Steps(progress, None if progress else stdout)
    signature = theme_signature()
    con = _connect(work_dir)
    try:
        with steps.step("lecture", "Lecture des établissements ESS"):
            if snapshot is not None:
                rows = source.load_snapshot(con, snapshot)
            else:
                rows = source.load_establishments(con, run.pk, work_dir)
            source.load_references(con, run.pk, economy=snapshot is None)
            _register_themes(con)
            cells.prepare(con)
        with steps.step("qpv", "Établissements à moins de 300 m d'un QPV"):
            qpvgeo._CACHE.clear()
            pairs = _near(con)
        with steps.step("calcul", "Calcul des indicateurs"):
            cells.theme_members(con)
            count = cells.build(con)
        with steps.step("ecriture", "Écriture des indicateurs"):
            IndicatorSet.objects.filter(run=run).delete()
            # The run's previous cells and those of runs no longer online; the current run's
            # stay while a new import computes its own before going online.
            current = ImportRun.objects.current()
            delete_blocks([current.pk] if current and current.pk != run.pk else [])
            _write(con, run.pk, work_dir)
    finally:
        con.close()
        shutil.rmtree(work_dir / "duckdb-indicators", ignore_errors=True)
    indicator_set = IndicatorSet.objects.create(
        run=run,
        cells=count,
        step_durations=steps.durations,
        stale=theme_signature() != signature,
    )
    if stdout is not None:
        total = round(sum(steps.durations.values()), 3)
        stdout.write(
            f"run={run.pk} establishments={rows} near_qpv_pairs={pairs} cells={count} "
            f"duration={total}s"
        )
    return indicator_set


def _write(con: duckdb.DuckDBPyConnection, run_id: int, work_dir: Path) -> None:
    cells.pack(con)
    names = ", ".join(cells.BLOCK_VALUES)
    blocks_sql = (
        f"SELECT {run_id} AS run_id, perimeter, kind AS territory_kind, code AS territory_code, "
        f"{names} FROM blocks ORDER BY perimeter, kind, code"
    )
    load._load(con, [(blocks_sql, IndicatorBlock._meta.db_table, BLOCK_COLUMNS)], work_dir,
               lambda n: None)  # fmt: skip
    if connection.vendor == "postgresql":
        # Fresh statistics: without them the planner filters a sub-territories' query
        # (territory_code = ANY(…)) row by row over the run's rows (568 ms -> 3 ms measured).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {IndicatorBlock._meta.db_table}")


def compute_for_import(run: ImportRun, stdout=None, snapshot: Path | None = None) -> str:
    """The hook of `essor sirene import`, before the new run goes online. A failure does not
    fail the import: pages then compute from the detail tables until `essor indicators compute`.
    Returns a message for the run ("" when all went well)."""
    # In an outer transaction (tests), a savepoint keeps a failure from breaking it.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            compute_indicators(run, progress=False, stdout=stdout, snapshot=snapshot)
    except Exception as exc:  # noqa: BLE001 - reported in the run's message
        return f" Indicateurs non calculés ({exc}) : lancez essor indicators compute."
    return ""
