"""Sirene import benchmark (issue §7): synthetic national stocks, then, on the same files, the
DuckDB floor, the pandas reference and essor's import, each in its own process.

    .venv/bin/python bench/run.py [--sizes 1000000,4000000,10000000] [--formats csv,parquet]
                                  [--steps floor,pandas,import,import_pg] [--out docs/performance.md]

Generated files are cached in var/bench/data/<format>-<size>-s<seed>/; the referential is loaded
once into var/bench/template.sqlite3, copied to a fresh var/bench/import.sqlite3 before each
import. Results accumulate in var/bench/results.json; docs/performance.md is rewritten below its
hand-written introduction from all stored results.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS_SCRIPT = Path(__file__).resolve().parent / "steps.py"
MARKER = "<!-- Everything below is written by bench/run.py. -->"
REAL_EXTRACT = "extrait2021"  # --sizes token: the real 2021 extract (real_extract)
NATIONAL_ROWS = 40_000_000 + 30_000_000  # establishments + legal units (domain.md §4.1)
INTRO = f"""# Performance of the Sirene import

What is measured: the time and peak memory to turn the two Sirene stock files (legal units and
establishments) into essor's ESS tables, on synthetic national stocks in the exact official
formats (`essor sirene synth --perimeter FR`, about 15 % ESS establishments), and on the real
2021 extract the issue's anchor figure is about (`extrait2021`: 994 999 establishments, 48
columns, 175 MB uncompressed, with the 3 999 legal units of the 2024 sample, whose SIRENs seldom
meet the 2021 ones: 32 ESS establishments, so its import writes little more than aggregates).
These programs read the same files on the same machine, each in its own process, once the bench
has read the files (all of them read from the page cache, none from the disk):

- **floor**: DuckDB merely reading every column of both files (`count(*)` and `max()` of each
  of the 35 + 53 columns, so that every value is parsed and materialised), the cost of reading
  the files in full;
- **pandas**: a reasonably written pandas reference (`read_csv(chunksize=100_000, dtype=str,
  usecols=…)`) doing the same ESS filter and the same aggregate of every establishment
  (commune × NAF division × workforce band × state × employer). It reads only the 3 + 6
  columns these use, so it can beat the floor, which reads them all (Parquet being columnar,
  even more so);
- **pandas, detail**: the same pass reading the columns essor reads (16 + 26 of the 35 + 53, or 24 of the 48
  of the 2021 format) and keeping the rows of the ESS legal units and establishments in memory,
  i.e. essor's input for its detail tables, without its checks, geography or writes;
- **essor import**: `essor.sirene.pipeline.run.run_import(…, force=True, indicators=False)`
  (`essor sirene import --no-indicators`: the observatory's indicators, which the command
  computes by default, are timed by `bench/observatory.py`) into a fresh SQLite database that
  holds the territorial referential (`import`), and the same into a fresh PostgreSQL database
  (`import_pg`, the server on the same machine);
- **essor, dry run**: the same with `dry_run=True` (`essor sirene import --dry-run`): every step
  but the database write (reading, checks, qualification, aggregates, detail rows, geography,
  rejects file), i.e. what the import costs before it writes a row (`import_dry`).

The Parquet files of `essor sirene synth` type every column as a string, like the CSV ones.
Generation time includes the start of Django and the loading of the 35,000 commune contours.

Targets: essor import ≤ 2 × floor; peak memory ≤ 4 GB at 10 M establishments; a national
import (≈ 40 M establishments, 30 M legal units, CSV) ≤ 3 minutes. Rows = legal units +
establishments read. Re-run with `.venv/bin/python bench/run.py` (see its `--help`).

{MARKER}
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=f"{REAL_EXTRACT},1000000,4000000,10000000",
                        help="établissements par jeu, séparés par des virgules ; "
                             f"{REAL_EXTRACT} : l'extrait réel de 2021 (CSV)")  # fmt: skip
    parser.add_argument("--formats", default="csv,parquet", help="csv, parquet ou les deux")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--work", help="dossier de travail (défaut : var/bench, var/bench/quick)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--perimeter", default="FR")
    parser.add_argument("--steps", default="floor,pandas,pandas_detail,import,import_pg,import_dry",
                        help="étapes mesurées (floor, pandas, pandas_detail, import, "
                             "import_pg, import_dry)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="100 000 établissements, CSV")
    return parser.parse_args(argv)


def child_env(work: Path, database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["ESSOR_SIRENE_WORK_DIR"] = str(work / "sirene-work")
    env["PYTHONWARNINGS"] = "ignore"
    return env


PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
PG_TEMPLATE, PG_IMPORT = "bench_sirene_template", "bench_sirene_import"


def psql(sql: str) -> str:
    done = subprocess.run(["psql", PG_SERVER + "postgres", "-qAtc", sql], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


def pg_template(work: Path) -> None:
    """The PostgreSQL twin of template.sqlite3, made once (migrate + referential)."""
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_TEMPLATE}'") != "1":
        psql(f"CREATE DATABASE {PG_TEMPLATE}")
    env = dict(os.environ, DATABASE_URL=PG_SERVER + PG_TEMPLATE, PYTHONWARNINGS="ignore")
    setup = run_step("setup", {}, env, work / "logs" / "setup-pg.log")
    print(f"setup postgresql: communes={setup['communes']} seconds={setup['seconds']}", flush=True)


def pg_fresh(work: Path) -> dict[str, str]:
    psql(f"DROP DATABASE IF EXISTS {PG_IMPORT}")
    psql(f"CREATE DATABASE {PG_IMPORT} TEMPLATE {PG_TEMPLATE}")
    env = dict(os.environ, DATABASE_URL=PG_SERVER + PG_IMPORT, PYTHONWARNINGS="ignore")
    env["ESSOR_SIRENE_WORK_DIR"] = str(work / "sirene-work")
    return env


def run_step(step: str, args: dict, env: dict, log: Path) -> dict:
    """Runs one step in a child process: its JSON result, wall time and peak RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    machine_before = machine_cpu_seconds()
    started = time.perf_counter()
    with open(log, "w") as err:
        child = subprocess.Popen(
            [sys.executable, str(STEPS_SCRIPT), step, json.dumps(args)],
            stdout=subprocess.PIPE, stderr=err, env=env, text=True,
        )  # fmt: skip
        output = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stdout.close()
    if child.returncode != 0:
        raise RuntimeError(f"step {step} failed ({child.returncode}); see {log}")
    line = next(x for x in output.splitlines() if x.startswith("BENCH-RESULT "))
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    # ru_maxrss is in kilobytes on Linux.
    return {
        **result,
        "seconds": round(seconds, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
        # Processor time: the step's own process, and the whole machine's (a PostgreSQL import's
        # server works outside the process; other work on the machine counts too).
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "machine_cpu_s": round(machine_cpu_seconds() - machine_before, 2),
        # 1-minute load average before and after: the machine may be shared with other work.
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def warm_up(*files: Path) -> None:
    """Reads the files once, so that every program measured on them reads from the page cache:
    otherwise the first one (the floor) pays for the disk when other files evicted them."""
    for path in files:
        with open(path, "rb") as handle:
            while handle.read(16 << 20):
                pass


def machine_cpu_seconds() -> float:
    """Busy processor seconds of the whole machine since boot: user, nice, system, irq and
    softirq (not idle, iowait, the hypervisor's steal, nor guest, already counted in user)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
    return busy / os.sysconf("SC_CLK_TCK")


def _size(token: str) -> int | str:
    return token if token == REAL_EXTRACT else int(token)


def real_extract(folder: Path) -> tuple[Path, Path]:
    """The real files the issue's anchor figure is about: the 2021 establishment extract
    (994 999 rows, 48 columns) uncompressed (175 MB), with the 2024 legal-unit sample of
    `sirene_stock_extrait_v3` (its SIRENs seldom meet the 2021 ones: few ESS rows)."""
    shared = Path(os.environ.get("ESSOR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    source = shared / "sirene_stock_etablissement_2021_11_extrait"
    etab, ul = folder / "StockEtablissement_utf8.csv", folder / "StockUniteLegale_utf8.csv"
    if not etab.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = etab.with_suffix(".part")
        with gzip.open(next(source.glob("*.csv.gz")), "rb") as raw, partial.open("wb") as out:
            shutil.copyfileobj(raw, out, 1 << 20)
        partial.rename(etab)
        shutil.copyfile(
            shared / "sirene_stock_extrait_v3" / "StockUniteLegale_utf8_extrait.csv", ul
        )
    return ul, etab


def import_available() -> bool:
    """True when essor's import pipeline exists (checked without importing Django)."""
    sys.path.insert(0, str(ROOT))
    spec = find_spec("essor.sirene.pipeline.run") if find_spec("essor.sirene.pipeline") else None
    return bool(spec and spec.origin and "def run_import(" in Path(spec.origin).read_text())


def machine() -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
        if x.startswith("MemTotal")
    )  # fmt: skip
    import duckdb

    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "ram_gb": f"{mem_kb / 1024 / 1024:.1f}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "os": platform.platform(),
    }


def load_results(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"runs": {}}


def key(size: int, fmt: str, step: str) -> str:
    return f"{size}|{fmt}|{step}"


def main(argv=None) -> int:
    options = parse_args(argv)
    sizes = [100_000] if options.quick else [_size(s) for s in options.sizes.split(",")]
    formats = ["csv"] if options.quick else options.formats.split(",")
    steps = options.steps.split(",")
    default_work = ROOT / "var" / "bench" / ("quick" if options.quick else "")
    work = Path(options.work or default_work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    template = work / "template.sqlite3"
    store_path = work / "results.json"
    store = load_results(store_path)
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    has_import = import_available()
    if "import" in steps and not has_import:
        print("import: essor.sirene.pipeline.run.run_import absent, étape ignorée", flush=True)

    print("setup: base de référence (migrate + référentiel)…", flush=True)
    setup = run_step("setup", {}, child_env(work, template), work / "logs" / "setup.log")
    print(f"setup: communes={setup['communes']} seconds={setup['seconds']}", flush=True)
    if "import_pg" in steps and has_import:
        pg_template(work)

    for size in sizes:
        for fmt in formats:
            area = "" if options.perimeter == "FR" else "-" + options.perimeter.replace(":", "_")
            data = work / "data" / f"{fmt}-{size}-s{options.seed}{area}"
            ul, etab = (
                data / f"StockUniteLegale_utf8.{fmt}",
                data / f"StockEtablissement_utf8.{fmt}",
            )
            env = child_env(work, template)
            if size == REAL_EXTRACT:
                if fmt != "csv":
                    continue
                ul, etab = real_extract(work / "data" / REAL_EXTRACT)
            elif not (data / "synthetic.json").exists():
                shutil.rmtree(data, ignore_errors=True)
                args = {"perimeter": options.perimeter, "size": size, "seed": options.seed,
                        "out": str(data), "format": fmt}  # fmt: skip
                result = run_step("generate", args, env, work / "logs" / f"gen-{fmt}-{size}.log")
                result["rows"] = result["legal_units"] + result["establishments"]
                store["runs"][key(size, fmt, "generate")] = stamp(result, command)
                report(size, fmt, "generate", result)
            paths = {"ul": str(ul), "etab": str(etab)}
            warm_up(ul, etab)
            for step in steps:
                if step.startswith("import") and not has_import:
                    continue
                if step == "import_pg":
                    env = pg_fresh(work)
                if step == "import_dry":
                    env = child_env(work, template)  # reads the referential, writes nothing
                if step == "import":
                    fresh = work / "import.sqlite3"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{fresh}{suffix}").unlink(missing_ok=True)
                    shutil.copyfile(template, fresh)
                    env = child_env(work, fresh)
                result = run_step(step, paths, env, work / "logs" / f"{step}-{fmt}-{size}.log")
                store["runs"][key(size, fmt, step)] = stamp(result, command)
                report(size, fmt, step, result)
                store_path.write_text(json.dumps(store, indent=1))
    store["machine"] = machine()
    store_path.write_text(json.dumps(store, indent=1))
    write_doc(Path(options.out), store)
    print(f"written: {options.out}", flush=True)
    return 0


PIPELINE_CODE = "essor/sirene/pipeline/*.py"  # its README's edits do not change a result


def pipeline_commit() -> str:
    """Last commit touching the import pipeline's code: results of different versions differ."""
    done = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--", PIPELINE_CODE],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", PIPELINE_CODE],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return done.stdout.strip() + ("+uncommitted" if dirty else "") or "?"


def stamp(result: dict, command: str) -> dict:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {**result, "date": when, "command": command, "pipeline": pipeline_commit()}


def report(size: int, fmt: str, step: str, result: dict) -> None:
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    print(f"size={size} format={fmt} step={step} seconds={result['seconds']} "
          f"peak_mb={result['peak_mb']} rows={result['rows']} rows_per_s={rate:.0f}", flush=True)  # fmt: skip


def write_doc(path: Path, store: dict) -> None:
    from bench_report import render  # noqa: PLC0415 - sibling module, path set below

    text = path.read_text() if path.exists() else INTRO
    head = text.split(MARKER)[0] + MARKER if MARKER in text else INTRO.rstrip() + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "\n\n" + render(store, NATIONAL_ROWS))


sys.path.insert(0, str(Path(__file__).resolve().parent))

if __name__ == "__main__":
    sys.exit(main())
