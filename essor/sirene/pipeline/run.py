"""Orchestration of `essor sirene import`: steps, ImportRun bookkeeping, guard, atomic swap.

New rows are written under a new run (running, not current). Only when every step succeeded does
one transaction make it current; then the rows of older runs are deleted. Any failure marks the
run failed and deletes its partial rows: the previous current run stays online, untouched.
"""

import fcntl
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from essor.sirene.models import ImportRun, RunStatus
from essor.sirene.pipeline import geo, load, read, refs, rejects, tables, transform
from essor.sirene.pipeline.errors import FileError, RefusedImport
from essor.sirene.pipeline.fetch import Source, is_url, open_source
from essor.sirene.pipeline.sources import ETAB, UL, format_version


class Steps:
    """Times each step into run.step_durations and shows one progress bar per step."""

    def __init__(self, run: ImportRun, progress: bool, stdout=None):
        self.run, self.progress, self.stdout = run, progress, stdout

    @contextmanager
    def step(self, key: str, label: str, total: int = 1):
        bar = tqdm(total=total, desc=label, disable=not self.progress, file=sys.stderr, leave=True)
        start = time.perf_counter()
        try:
            yield bar.update
            bar.update(max(0, total - bar.n))
        finally:
            bar.close()
            self.run.step_durations[key] = round(time.perf_counter() - start, 3)
            if self.stdout is not None:
                self.stdout.write(f"step={key} duration={self.run.step_durations[key]}s")


def _connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    temp = work_dir / "duckdb-tmp"
    temp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": settings.DUCKDB_MEMORY_LIMIT,
            "threads": int(settings.DUCKDB_THREADS),
            "temp_directory": str(temp),
            "preserve_insertion_order": True,  # staging rowid = line order
        },
    )
    con.execute("SET enable_progress_bar = false")
    return con


def clean_leftovers() -> None:
    """What a crashed import left: its twin tables (dropped) and its `running` run (marked
    failed). A run that failed cleanly has already dropped its twins."""
    tables.drop_next()
    ImportRun.objects.filter(status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        message="Import interrompu (nettoyé au démarrage de l'import suivant).",
    )


def _stage(con, source: Source, stage, prefix: str) -> tuple[list[str], list]:
    header = read.read_header(con, source)
    columns = read.check_header(source, header)
    try:
        stage(con, read.from_clause(source, header, None), columns)
        used = None
    except duckdb.Error:
        # A malformed line, an encoding error or a broken archive: read again, listing them.
        used = prefix
        try:
            stage(con, read.from_clause(source, header, prefix), columns)
        except duckdb.Error as exc:
            raise read.translate_duckdb_error(source, exc) from exc
    parse_rejects = read.parse_rejects(con, source, used)
    table = "ul" if source.role == UL else "etab"
    if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0 and not parse_rejects:
        raise FileError(source.original, "aucune ligne de données après l'en-tête", line=2)
    return header, parse_rejects


def _guard(run: ImportRun, read_count: int, force: bool) -> None:
    previous = (
        ImportRun.objects.filter(status=RunStatus.SUCCEEDED, is_current=True)
        .exclude(pk=run.pk)
        .first()
    )
    if previous is None or not previous.establishments_read:
        return
    floor = settings.SIRENE_MIN_ROW_RATIO * previous.establishments_read
    if read_count < floor and not force:
        raise RefusedImport(
            f"Import refusé : {read_count} établissements lus, moins de "
            f"{settings.SIRENE_MIN_ROW_RATIO:.0%} des {previous.establishments_read} de l'import "
            f"n° {previous.pk}. Relancez avec --force si la baisse est attendue."
        )


def _swap(run: ImportRun) -> None:
    """One transaction: the twins replace the live tables (the previous run's rows go with them)
    and the run becomes current."""
    with transaction.atomic():
        ImportRun.objects.select_for_update().filter(is_current=True).exclude(pk=run.pk).update(
            is_current=False
        )
        tables.swap()
        run.is_current = True
        run.status = RunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()


def _fail(run: ImportRun, status: str, message: str) -> None:
    tables.drop_next()
    run.status = status
    run.is_current = False
    run.finished_at = timezone.now()
    run.message = message
    run.save()


@contextmanager
def _single_import(work_dir: Path):
    """One import at a time (DuckDB work files, leftover cleaning). An flock is released by the
    system when a process dies, so a crash never blocks the next import."""
    with (work_dir / "import.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise CommandError("Un import Sirene est déjà en cours (verrou import.lock).") from exc
        yield


def run_import(
    ul_path: str,
    etab_path: str,
    *,
    force: bool = False,
    dry_run: bool = False,
    progress: bool = True,
    stdout=None,
    passage_table: str | None = None,
    indicators: bool = True,
) -> ImportRun:
    """Imports a StockUniteLegale + StockEtablissement pair; returns the ImportRun (unsaved in
    dry-run mode, where nothing is written). Raises CommandError on a file-level problem.

    `stdout` (optional, e.g. a command's self.stdout) receives one `step=… duration=…` line per
    step when progress bars (stderr) are off. `indicators=False` skips the observatory's
    indicators (pages then compute from the detail tables until `essor indicators compute`)."""
    work_dir = Path(settings.SIRENE_WORK_DIR)
    work_dir.mkdir(parents=True, exist_ok=True)
    with _single_import(work_dir):
        return _run(
            ul_path,
            etab_path,
            force,
            dry_run,
            progress,
            stdout,
            passage_table,
            work_dir,
            indicators,
        )


def _run(ul_path, etab_path, force, dry_run, progress, stdout, passage, work_dir, indicators=True):
    if not dry_run:
        clean_leftovers()
    run = ImportRun(forced=force, status=RunStatus.RUNNING, step_durations={})
    if not dry_run:
        run.save()
    # Step lines for logs when there are no progress bars (they would interleave).
    steps = Steps(run, progress, None if progress else stdout)
    sources: list[Source] = []
    con = _connect(work_dir)
    # Checksums of local files are computed here while DuckDB reads them (one core each).
    hasher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sha256")
    try:
        paths = {UL: ul_path, ETAB: etab_path}
        _execute(con, run, steps, sources, paths, force, dry_run, passage, work_dir, hasher)
        if not dry_run:
            snapshot = _indicator_source(con, run, steps, work_dir) if indicators else None
            con.close()  # frees the staging tables before the indicators open their own DuckDB
            if snapshot is not None:
                _indicators(run, steps, snapshot)
            _online(run, steps)
            if indicators and snapshot is None:
                # The run's rows are only readable in the live tables once swapped in.
                _indicators(run, steps)
                run.save(update_fields=["message", "step_durations"])
    except RefusedImport as exc:
        if not dry_run:
            _record_sources(run, sources)
            _fail(run, RunStatus.REFUSED, str(exc))
        raise
    except BaseException as exc:  # KeyboardInterrupt included: never leave partial rows
        if not dry_run and not run.is_current:
            _record_sources(run, sources)
            _fail(run, RunStatus.FAILED, str(exc) or type(exc).__name__)
        raise
    finally:
        con.close()
        hasher.shutdown(wait=True)
        for source in sources:
            source.cleanup()
        shutil.rmtree(work_dir / "duckdb-tmp", ignore_errors=True)
        shutil.rmtree(work_dir / f"indicators-source-{run.pk}", ignore_errors=True)
    return run


def _open_sources(sources: list[Source], pairs, work_dir: Path, hasher) -> None:
    """Both files at once (downloads, zip extraction: zlib releases the GIL, one file per core);
    local files' checksums go on in `hasher`. Whatever opened is appended to `sources`, even if
    the other failed, so that its temporary files are removed."""
    with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
        futures = [
            pool.submit(open_source, str(value), role, work_dir, hasher) for role, value in pairs
        ]
    errors = []
    for future in futures:
        try:
            sources.append(future.result())
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the others
            errors.append(exc)
    if errors:
        raise errors[0]


def _record_sources(run: ImportRun, sources: list[Source]) -> None:
    """The files' manifests (size, sha256: waits for checksums still being computed). On a
    failed run, a checksum that could not be computed is left empty."""
    manifests = []
    for source in sources:
        try:
            manifests.append(source.manifest())
        except OSError:
            manifests.append({**source.manifest_without_checksum(), "sha256": ""})
    run.sources = manifests


def _execute(con, run, steps, sources, paths, force, dry_run, passage, work_dir, hasher):
    etab_path = paths[ETAB]
    with steps.step("sources", "Fichiers sources"):
        _open_sources(sources, paths.items(), work_dir, hasher)
        ul_source, etab_source = sources
        run.is_synthetic = not is_url(str(etab_path)) and (
            (Path(etab_path).parent / "synthetic.json").is_file()
        )
    with steps.step("references", "Référentiels (communes, règles ESS)"):
        table = refs.read_passage_table(Path(passage)) if passage else None
        refs.load_communes(con, table)
        refs.load_ess_references(con)
    with steps.step("unites_legales", "Lecture des unités légales"):
        _, ul_parse = _stage(con, ul_source, transform.stage_legal_units, "ul_rej")
        transform.qualify(con)
    with steps.step("etablissements", "Lecture des établissements"):
        header, etab_parse = _stage(con, etab_source, transform.stage_establishments, "etab_rej")
        run.format_version = format_version(header)
    read_count = con.execute("SELECT count(*) FROM etab").fetchone()[0] + len(etab_parse)
    run.establishments_read = read_count  # kept on a refused run too
    _guard(run, read_count, force)
    with steps.step("agregats", "Agrégats par commune"):
        transform.build_aggregates(con)
        run.unknown_communes = transform.unknown_communes(con)
    with steps.step("detail", "Détail des établissements ESS et géographie"):
        transform.build_legal_units(con)
        transform.build_establishments(con)
        # The orphan count (for the run's message) runs on its own DuckDB cursor meanwhile:
        # coordinates and QPV are computed on one core.
        with ThreadPoolExecutor(max_workers=1) as side:
            orphans = side.submit(_on_cursor, con, transform.orphan_count)
            dropped = geo.locate(con, refs.qpv_geometries())
            run.message = _orphans_message(orphans.result())
    with steps.step("rejets", "Fichier des rejets"):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = work_dir / "rejects" / f"sirene_{run.pk or 'dry-run'}_{stamp}.csv"
        staged = [
            (UL, ul_source.original, ul_parse, ul_source.format == "parquet"),
            (ETAB, etab_source.original, etab_parse, etab_source.format == "parquet"),
        ]
        per_role = rejects.collect(con, staged, target)
        run.rejects_file = str(target)
    _record_sources(run, sources)
    c = transform.counts(con)
    run.legal_units_read = c["ul_read"] + len(ul_parse)
    run.establishments_read = read_count
    run.legal_units_kept, run.establishments_kept = c["ul_kept"], c["etab_kept"]
    run.rejected = {**per_role, "coordonnees_ecartees": dropped}
    run.data_date = c["data_date"]
    if dry_run:
        return
    run.save()
    rows = c["ul_kept"] + c["etab_kept"] + con.execute("SELECT count(*) FROM out_agg").fetchone()[0]
    with steps.step("ecriture", "Écriture dans la base", total=rows) as advance:
        load.write_all(con, run, work_dir, advance)


def _on_cursor(con: duckdb.DuckDBPyConnection, query):
    cursor = con.cursor()
    try:
        return query(cursor)
    finally:
        cursor.close()


def _orphans_message(count: int) -> str:
    return (
        f"{count} établissements sans unité légale dans le fichier des unités légales : "
        "comptés dans les agrégats, jamais qualifiés ESS."
    )


def _indicator_source(con, run: ImportRun, steps: Steps, work_dir: Path) -> Path | None:
    """What the observatory's indicators read, saved from the staging tables (Parquet) so that
    they need not read back the rows just written. None on failure: they are then computed
    from the database right after the swap (pages read the detail tables meanwhile)."""
    from essor.observatory.compute.source import snapshot_from_staging  # noqa: PLC0415

    with steps.step("indicateurs_source", "Source des indicateurs"):
        try:
            return snapshot_from_staging(con, work_dir / f"indicators-source-{run.pk}")
        except duckdb.Error as exc:
            run.message += (
                f" Source des indicateurs non enregistrée ({exc}) : indicateurs calculés depuis "
                "la base après la mise en ligne."
            )
            return None


def _indicators(run: ImportRun, steps: Steps, snapshot: Path | None = None) -> None:
    """The observatory's indicators of the new run, computed before it goes online so that
    figures and detail switch together. A failure is reported in the run's message, never
    fails the import (pages then read the detail tables)."""
    from essor.observatory.compute import compute_for_import  # noqa: PLC0415 - app boundary

    with steps.step("indicateurs", "Indicateurs de l'observatoire"):
        run.message += compute_for_import(run, snapshot=snapshot)


def _online(run: ImportRun, steps: Steps) -> None:
    with steps.step("bascule", "Mise en ligne"):
        _swap(run)
    run.save(update_fields=["step_durations"])


def summary(run: ImportRun) -> list[str]:
    """key=value lines (style.md), for the command output and the logs."""
    lines = []
    for source in run.sources:
        lines.append(
            f"source=sirene_{source['role']} file={source['path']} format={source['format']} "
            f"size={source['size']} sha256={source['sha256']}"
        )
    rejected = run.rejected or {}
    ul_rej = sum((rejected.get(UL) or {}).values())
    etab_rej = sum((rejected.get(ETAB) or {}).values())
    lines.append(
        f"run={run.pk or '-'} status={run.status} data_date={run.data_date or '-'} "
        f'format="{run.format_version}" synthetic={run.is_synthetic}'
    )
    lines.append(
        f"legal_units_read={run.legal_units_read} legal_units_kept={run.legal_units_kept} "
        f"legal_units_rejected={ul_rej}"
    )
    lines.append(
        f"establishments_read={run.establishments_read} "
        f"establishments_kept={run.establishments_kept} establishments_rejected={etab_rej} "
        f"unknown_communes={sum((run.unknown_communes or {}).values())} "
        f"coordinates_dropped={rejected.get('coordonnees_ecartees', 0)}"
    )
    for role in (UL, ETAB):
        for reason, count in sorted((rejected.get(role) or {}).items()):
            lines.append(f"rejected role={role} reason={reason} count={count}")
    durations = " ".join(f"{k}={v}s" for k, v in (run.step_durations or {}).items())
    lines.append(f"durations {durations}")
    if run.rejects_file:
        lines.append(f"rejects: {run.rejects_file} (file, line, column, expected, value)")
    return lines
