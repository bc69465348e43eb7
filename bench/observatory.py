"""Observatory benchmark: `essor indicators compute` and the server time of territory portraits,
pre-aggregated (get_portrait) against direct (build_portrait_direct), on SQLite and PostgreSQL.

    .venv/bin/python bench/observatory.py [--establishments 10000000] [--databases sqlite,postgresql]
                                          [--repeat 20] [--direct-repeat 3] [--out docs/performance.md]

Data: the synthetic national stocks of bench/run.py (`essor sirene synth --perimeter FR`, cached in
var/bench/data/csv-<size>-s1/, generated when missing) and its referential database
(var/bench/template.sqlite3, built when missing). The 2015 Occitanie QPV file is loaded on top so
that a QPV can be measured. Each database is imported once (the indicators computed by the import
from its staging tables: steps `indicateurs_source` + `indicateurs`), then `essor indicators
compute` alone (reading the database) is timed, then each territory's portrait is built `--repeat` times (p50 / p95 of the server time:
get_portrait + JSON serialisation, the page `/territoires/<type>/<code>/` and the API
`/api/territories/<type>/<code>/indicators` through Django's test client when they answer
200) and `--direct-repeat` times with build_portrait_direct.
PostgreSQL: the database `bench_observatory` on the server of $BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/), dropped and re-created. Results go to var/bench/observatory.json
and to the « Observatoire » section of docs/performance.md (between its markers).
"""

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WORK = ROOT / "var" / "bench"
START = "<!-- observatoire:start (written by bench/observatory.py) -->"
END = "<!-- observatoire:end -->"
QPV_FILE = "qpv_2015_occitanie/qpv_2015_occitanie.geojson"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--establishments", type=int, default=10_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--direct-repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="re-measure the portraits on the databases of the previous run (no import, no compute)",
    )
    parser.add_argument("--child", nargs=2, metavar=("STEP", "JSON"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- child steps (run in their own process, with DATABASE_URL set) --------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essor.settings")
    import django

    django.setup()


def child_prepare(args: dict) -> dict:
    """Migrate (PostgreSQL), referential (PostgreSQL), QPV, then the import without indicators."""
    _django()
    import io

    from django.core.management import call_command

    from essor.sirene.pipeline.run import run_import
    from essor.territories.models import Commune, Qpv

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not Commune.objects.exists():
        call_command("load_referentials", **quiet)
    referential = time.perf_counter() - started
    if not Qpv.objects.exists():
        call_command("import_qpv", args["qpv"], generation=2015, **quiet)
    started = time.perf_counter()
    run = run_import(args["ul"], args["etab"], force=True, progress=False)
    steps = run.step_durations
    computed = run.indicators.step_durations
    return {
        "referential_s": round(referential, 1),
        "import_s": round(time.perf_counter() - started, 1),
        "establishments_read": run.establishments_read,
        "establishments_kept": run.establishments_kept,
        # The indicators as the import computes them (from its staging tables, before going
        # online): the snapshot step + the compute step.
        "in_import": {
            "seconds": round(steps["indicateurs_source"] + steps["indicateurs"], 2),
            "steps": {"source": steps["indicateurs_source"], **computed},
            "blocks": run.indicators.cells,
        },
    }


def child_compute(args: dict) -> dict:
    _django()
    from essor.observatory.compute import compute_indicators

    started = time.perf_counter()
    indicators = compute_indicators(progress=False)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "cells": indicators.cells,
        "steps": indicators.step_durations,
    }


def _territories() -> list[tuple[str, str, str]]:
    from django.db.models import Count

    from essor.sirene.models import Establishment
    from essor.territories.enums import CommuneKind
    from essor.territories.models import Commune, Epci, Perimeter

    current = Establishment.objects.current().filter(state="A")
    biggest = current.exclude(epci_siren="").values_list("epci_siren").annotate(n=Count("id"))
    epci = biggest.order_by("-n")[0][0]
    qpv = (
        current.exclude(qpv_code="").values_list("qpv_code").annotate(n=Count("id")).order_by("-n")
    )
    nantes = "44109" if Commune.objects.filter(code="44109").exists() else None
    rows = [
        ("france", "FR", "France"),
        ("region", "84", "Auvergne-Rhône-Alpes"),
        ("departement", "44", "Loire-Atlantique"),
        ("epci", epci, Epci.objects.get(siren=epci).name),
        ("commune", nantes or current.values_list("commune_code", flat=True)[0], "Nantes"),
    ]
    if qpv:
        rows.append(("qpv", qpv[0][0], f"QPV {qpv[0][0]}"))
    # A custom perimeter as large as a big département: its portrait sums one block per commune.
    communes = Commune.objects.filter(departement_id="59", kind=CommuneKind.COMMUNE)
    if communes.exists():
        perimeter, _ = Perimeter.objects.get_or_create(
            slug="bench-nord", defaults={"name": "Communes du Nord (banc d'essai)"}
        )
        perimeter.communes.set(communes)
        rows.append(("perimeter", "bench-nord", f"périmètre de {communes.count()} communes"))
    return rows


def _serialise(portrait) -> str:
    from dataclasses import asdict

    return json.dumps(
        {
            "headline": asdict(portrait.headline),
            "tables": {slug: table.rows for slug, table in portrait.tables.items()},
        },
        default=str,
    )


def _times(function, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def _client_times(client, url: str, repeat: int) -> list[float] | None:
    """Server times of `url` through Django's test client (None unless it answers 200)."""
    try:
        if client.get(url).status_code != 200:
            return None
    except Exception:  # noqa: BLE001 - reported as missing
        return None
    return _times(lambda: client.get(url), repeat)


def child_latency(args: dict) -> dict:
    _django()
    from django.test import Client

    from essor.observatory.direct import build_portrait_direct
    from essor.observatory.read import get_portrait
    from essor.observatory.territory import get_territory

    client = Client(HTTP_HOST="localhost")
    results = []
    for kind, code, label in _territories():
        territory = get_territory(kind, code)
        pre = _times(lambda t=territory: _serialise(get_portrait(t, "statistique")), args["repeat"])
        direct = _times(
            lambda t=territory: _serialise(build_portrait_direct(t, "statistique")),
            args["direct_repeat"],
        )
        page = _client_times(client, f"/territoires/{kind}/{code}/", args["repeat"])
        api = _client_times(client, f"/api/territories/{kind}/{code}/indicators", args["repeat"])
        results.append(
            {
                "kind": kind,
                "code": code,
                "label": label,
                "pre_p50": _p(pre, 0.5),
                "pre_p95": _p(pre, 0.95),
                "page_p95": _p(page, 0.95) if page else None,
                "api_p95": _p(api, 0.95) if api else None,
                "direct_p50": _p(direct, 0.5),
                "direct_p95": _p(direct, 0.95),
            }
        )
    return {"territories": results}


CHILD = {"prepare": child_prepare, "compute": child_compute, "latency": child_latency}


# --- parent ----------------------------------------------------------------------------------


def _run_child(step: str, args: dict, env: dict, log: Path) -> dict:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as err:
        done = subprocess.run(
            [sys.executable, __file__, "--child", step, json.dumps(args)],
            stdout=subprocess.PIPE, stderr=err, env=env, text=True, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"step {step} failed; see {log}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH-RESULT "))
    return json.loads(line.removeprefix("BENCH-RESULT "))


def _env(database_url: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["ESSOR_SIRENE_WORK_DIR"] = str(WORK / "sirene-work")
    env["PYTHONWARNINGS"] = "ignore"
    return env


def _data(size: int, seed: int) -> Path:
    """The synthetic stock of bench/run.py (and its referential template), made when missing."""
    import run as bench_run  # noqa: PLC0415 - sibling module

    template = WORK / "template.sqlite3"
    if not template.exists():
        bench_run.run_step(
            "setup", {}, bench_run.child_env(WORK, template), WORK / "logs" / "setup.log"
        )
    data = WORK / "data" / f"csv-{size}-s{seed}"
    if not (data / "synthetic.json").exists():
        shutil.rmtree(data, ignore_errors=True)
        args = {"perimeter": "FR", "size": size, "seed": seed, "out": str(data), "format": "csv"}
        env = bench_run.child_env(WORK, template)
        bench_run.run_step("generate", args, env, WORK / "logs" / f"gen-csv-{size}.log")
    return data


def _database_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{WORK / 'observatory.sqlite3'}"
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
    return server + "bench_observatory"


def _database(kind: str) -> str:
    if kind == "sqlite":
        target = WORK / "observatory.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(WORK / "template.sqlite3", target)
        return f"sqlite:///{target}"
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
    for sql in ("DROP DATABASE IF EXISTS bench_observatory", "CREATE DATABASE bench_observatory"):
        subprocess.run(["psql", server + "postgres", "-qc", sql], check=True)
    return server + "bench_observatory"


def main(argv=None) -> int:
    options = parse_args(argv)
    if options.child:
        step, raw = options.child
        print("BENCH-RESULT " + json.dumps(CHILD[step](json.loads(raw)), default=str))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    data = _data(options.establishments, options.seed)
    shared = Path(os.environ.get("ESSOR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    store_path = WORK / "observatory.json"
    store = json.loads(store_path.read_text()) if store_path.exists() else {"runs": {}}
    command = "python bench/observatory.py " + " ".join(argv if argv is not None else sys.argv[1:])
    for database in options.databases.split(","):
        logs = WORK / "logs"
        previous = store["runs"].get(f"{options.establishments}|{database}")
        if options.latency_only and previous:
            env = _env(_database_url(database))
            prepared, computed = previous["prepare"], previous["compute"]
            computed_at = previous.get(
                "computed_at", f"{previous['date']} (load {previous['load']})"
            )
        else:
            print(f"{database}: base, référentiel, import…", flush=True)
            env = _env(_database(database))
            args = {
                "ul": str(data / "StockUniteLegale_utf8.csv"),
                "etab": str(data / "StockEtablissement_utf8.csv"),
                "qpv": str(shared / QPV_FILE),
            }
            prepared = _run_child("prepare", args, env, logs / f"obs-prepare-{database}.log")
            print(f"{database}: {prepared}", flush=True)
            computed = _run_child("compute", {}, env, logs / f"obs-compute-{database}.log")
            print(f"{database}: compute {computed}", flush=True)
            now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            computed_at = f"{now} (load {round(os.getloadavg()[0], 1)})"
        latency = _run_child(
            "latency",
            {"repeat": options.repeat, "direct_repeat": options.direct_repeat},
            env,
            logs / f"obs-latency-{database}.log",
        )
        for row in latency["territories"]:
            print(f"{database}: {row}", flush=True)
        store["runs"][f"{options.establishments}|{database}"] = {
            "establishments": options.establishments,
            "database": database,
            "prepare": prepared,
            "compute": computed,
            "latency": latency["territories"],
            "computed_at": computed_at,  # import and compute; `date` is the latency's
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(
                ["git", "log", "-1", "--format=%h", "--", "essor/observatory"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip(),  # fmt: skip
            "load": round(os.getloadavg()[0], 1),
            "command": command,
        }
        store_path.write_text(json.dumps(store, indent=1))
    import run as bench_run  # noqa: PLC0415

    store["machine"] = bench_run.machine()
    store_path.write_text(json.dumps(store, indent=1))
    write_doc(Path(options.out), store)
    print(f"written: {options.out}", flush=True)
    return 0


def render(store: dict) -> str:
    machine = store.get("machine", {})
    lines = [
        "## Observatoire : calcul des indicateurs et temps de réponse des portraits",
        "",
        "What is measured (`bench/observatory.py`): on the synthetic national stocks of "
        "`bench/run.py`, the time to compute the indicators of all territories in both "
        "perimeters, as the import does it just before going online (from its own staging "
        "tables: « dans l'import », steps `source` (Parquet snapshot of the staging tables), "
        "`lecture`, `qpv`, `calcul`, `ecriture`) and as `essor indicators compute` alone does it "
        "(reading the database: « seul »), then the server time of a territory's portrait "
        "(périmètre statistique): `get_portrait` (pre-aggregated blocks) + JSON serialisation of "
        "all its tables, the territory page and its API (`/api/territories/<type>/<code>/"
        "indicators`) through Django's test client, and "
        "`build_portrait_direct` (group-bys over the detail tables) + the same serialisation. "
        "Targets: compute ≤ 60 s, portrait p95 ≤ 300 ms. The machine is shared (load average "
        "noted).",
        "",
        "| Établissements | Base | Import complet (s) | Indicateurs dans l'import (s) | "
        "Étapes dans l'import (s) | Indicateurs seuls (s) | Étapes seuls (s) | Cellules | "
        "Mesuré |",
        "|---:|---|---:|---:|---|---:|---|---:|---|",
    ]
    runs = sorted(store["runs"].values(), key=lambda r: (r["establishments"], r["database"]))
    for r in runs:
        alone = " ".join(f"{k} {v:.1f}" for k, v in r["compute"]["steps"].items())
        inside = r["prepare"].get("in_import")
        in_steps = " ".join(f"{k} {v:.1f}" for k, v in inside["steps"].items()) if inside else "—"
        lines.append(
            f"| {r['establishments']:,} | {r['database']} | {r['prepare']['import_s']} | "
            f"{inside['seconds'] if inside else '—'} | {in_steps} | "
            f"{r['compute']['seconds']} | {alone} | {r['compute']['cells']:,} | "
            f"{r.get('computed_at', r['date'])} |".replace(",", " ")
        )
    lines += [
        "",
        "| Établissements | Base | Territoire | pré-agrégé p50 / p95 (ms) | page p95 (ms) | "
        "API p95 (ms) | direct p50 / p95 (ms) | direct / pré-agrégé (p95) | Mesuré |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        for t in r["latency"]:
            ratio = t["direct_p95"] / t["pre_p95"] if t["pre_p95"] else 0
            page = t["page_p95"] if t["page_p95"] is not None else "—"
            api = t.get("api_p95") if t.get("api_p95") is not None else "—"
            lines.append(
                f"| {r['establishments']:,} | {r['database']} | {t['label']} ({t['kind']} "
                f"{t['code']}) | {t['pre_p50']} / {t['pre_p95']} | {page} | {api} | "
                f"{t['direct_p50']} / "
                f"{t['direct_p95']} | {ratio:.0f} × | {r['date']} (load {r['load']}) |".replace(
                    ",", " "
                )
            )
    commands = sorted({r["command"] for r in runs})
    lines += [
        "",
        f"Machine: {machine.get('cpu', '?')} ({machine.get('nproc', '?')} cores), RAM "
        f"{machine.get('ram_gb', '?')} GB, Python {machine.get('python', '?')}, DuckDB "
        f"{machine.get('duckdb', '?')}. Commands:",
        "",
        *[f"    .venv/bin/{c}" for c in commands],
        "",
    ]
    return "\n".join(lines)


def write_doc(path: Path, store: dict) -> None:
    """Replaces the section between the markers (placed before bench/run.py's own marker, whose
    tail that script rewrites)."""
    text = path.read_text()
    section = f"{START}\n\n{render(store)}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        marker = "<!-- Everything below is written by bench/run.py. -->"
        if marker in text:
            head, tail = text.split(marker, 1)
            text = head + section + "\n\n" + marker + tail
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
