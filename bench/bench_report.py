"""Markdown rendering of the benchmark results stored by bench/run.py."""

STEPS = ("floor", "pandas", "pandas_detail", "import", "import_pg", "import_dry")
REAL_EXTRACT = "extrait2021"  # bench/run.py's token for the real 2021 extract
DATABASES = {"import": "SQLite", "import_pg": "PostgreSQL"}
STEP_TABLE_BASES = {**DATABASES, "import_dry": "— (dry run)"}  # rows of the per-step table
LABELS = {
    "floor": "floor",
    "pandas": "pandas",
    "pandas_detail": "pandas, detail",
    "import_dry": "essor, dry run (no write)",
}


def _cell(run: dict | None) -> str:
    if not run:
        return "—"
    text = f"{run['seconds']:.1f} s · {run['peak_mb']:,} Mo".replace(",", " ")
    return text + (f" (load {run['load'][0]:.0f}–{run['load'][1]:.0f})" if "load" in run else "")


def _ratio(run: dict | None, floor: dict | None) -> str:
    if not run or not floor or not floor["seconds"]:
        return "—"
    return f"{run['seconds'] / floor['seconds']:.1f} ×"


def _rate(run: dict | None) -> float:
    return run["rows"] / run["seconds"] if run and run["seconds"] else 0.0


def _int(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _size_key(size: str) -> tuple[int, int]:
    """The real extract first, then the synthetic stocks by size."""
    return (0, 0) if size == REAL_EXTRACT else (1, int(size))


def _label(size: str, runs: dict) -> str:
    if size != REAL_EXTRACT:
        return _int(int(size))
    floor = runs.get(f"{size}|csv|floor") or {}
    count = floor.get("etab_rows")
    return f"{_int(count)} (extrait réel 2021)" if count else "extrait réel 2021"


def _import_steps(runs: dict, combos: list[tuple[int, str]]) -> list[str]:
    """Seconds per step of essor's import (`ImportRun.step_durations`), one row per run."""
    imports = [
        (size, fmt, step, runs.get(f"{size}|{fmt}|{step}"))
        for size, fmt in combos
        for step in STEP_TABLE_BASES
    ]
    imports = [row for row in imports if row[3] and row[3].get("step_durations")]
    if not imports:
        return []
    names = list(dict.fromkeys(name for *_, run in imports for name in run["step_durations"]))
    lines = [
        "",
        "### Where essor's import spends its time (s, from `ImportRun.step_durations`)",
        "",
        "| Établissements | Format | Base | "
        + " | ".join(names)
        + " | pipeline commit | measured |",
        "|---:|---|---|" + "---:|" * len(names) + "---|---|",
    ]
    for size, fmt, step, run in imports:
        durations = run["step_durations"]
        cells = " | ".join(f"{durations.get(name, 0):.1f}" for name in names)
        version = run.get("pipeline", "?")
        lines.append(
            f"| {_label(size, runs)} | {fmt} | {STEP_TABLE_BASES[step]} | {cells} | {version} "
            f"| {run['date']} |"
        )
    return lines


def _cpu(run: dict | None, key: str = "cpu_s") -> str:
    if not run or run.get(key) is None:
        return "—"
    return f"{run[key]:.1f}" if run[key] < 10 else f"{run[key]:.0f}"


def _processor_time(runs: dict, combos: list[tuple[str, str]], cores: int) -> list[str]:
    """Processor-seconds of each program, against what an import within 2 × the floor's wall
    time could use at most: every core busy from start to end."""
    rows = []
    for size, fmt in combos:
        get = {step: runs.get(f"{size}|{fmt}|{step}") for step in STEPS}
        floor = get["floor"]
        if not floor or floor.get("cpu_s") is None:
            continue
        budget = 2 * floor["seconds"] * cores
        shares = " · ".join(
            f"{run['machine_cpu_s'] / budget:.1f} ×" if run and run.get("machine_cpu_s") else "—"
            for run in (get["import"], get["import_pg"])
        )
        imports = " | ".join(
            f"{_cpu(run)} · {_cpu(run, 'machine_cpu_s')}" if run else "—"
            for run in (get["import"], get["import_pg"])
        )
        rows.append(
            f"| {_label(size, runs)} | {fmt} | {floor['seconds']:.1f} s · {_cpu(floor)} "
            f"| {_cpu(get['pandas'])} | {_cpu(get['pandas_detail'])} | {imports} "
            f"| {_cpu(get['import_dry'])} | {budget:.1f} | {shares} |"
        )
    if not rows:
        return []
    return [
        "",
        "### Processor time (CPU-s: user + system)",
        "",
        f"An import within 2 × the floor's wall time could use at most 2 × that time × "
        f"{cores} cores of processor time, every core busy from start to end (« budget »). "
        "« process » is the step's own process; « machine » every process of the machine "
        "during the step (for PostgreSQL, the server's work; other work on the machine too).",
        "",
        "| Établissements | Format | floor (wall · CPU-s) | pandas | pandas, detail "
        "| import SQLite (process · machine) | import PostgreSQL (process · machine) "
        "| dry run (no write) | budget at 2 × floor "
        "| import machine CPU / budget (SQLite · PostgreSQL) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
    ]


def render(store: dict, national_rows: int) -> str:
    runs = store.get("runs", {})
    combos = sorted({tuple(k.split("|")[:2]) for k in runs}, key=lambda c: (_size_key(c[0]), c[1]))
    lines = [
        "## Results",
        "",
        "Time is wall-clock time of the step's process; memory is its peak resident set size "
        "(`ru_maxrss`). Ratios divide by the floor on the same files. « load » is the 1-minute load "
        "average before–after the step: the 2-core machine was shared with other test runs, so "
        "steps measured under a load above 2 are slower than on an idle machine.",
        "",
        "| Établissements | Format | Unités légales | Génération | Floor (DuckDB) "
        "| pandas | pandas, detail | essor import, SQLite | essor import, PostgreSQL "
        "| essor, dry run (no write) "
        "| import / floor (SQLite · PostgreSQL · dry run) | pandas / floor (pandas · detail) "
        "| import, lignes/s (SQLite · PostgreSQL) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, fmt in combos:
        get = {step: runs.get(f"{size}|{fmt}|{step}") for step in ("generate", *STEPS)}
        generated = get["generate"]
        units = _int(generated["legal_units"]) if generated else "—"
        if not generated and get["floor"] and "ul_rows" in get["floor"]:
            units = _int(get["floor"]["ul_rows"])
        generation = f"{generated['seconds']:.0f} s" if generated else "—"
        rates = " · ".join(
            _int(round(rate)) if (rate := _rate(get[step])) else "—" for step in DATABASES
        )
        ratios = " · ".join(_ratio(get[step], get["floor"]) for step in (*DATABASES, "import_dry"))
        pandas = " · ".join(_ratio(get[step], get["floor"]) for step in ("pandas", "pandas_detail"))
        lines.append(
            f"| {_label(size, runs)} | {fmt} | {units} | {generation} | {_cell(get['floor'])} "
            f"| {_cell(get['pandas'])} | {_cell(get['pandas_detail'])} | {_cell(get['import'])} "
            f"| {_cell(get['import_pg'])} | {_cell(get['import_dry'])} | {ratios} | {pandas} "
            f"| {rates} |"
        )
    lines += _import_steps(runs, combos)
    cores = int(store.get("machine", {}).get("nproc") or 2)
    lines += _processor_time(runs, combos, cores)
    lines += ["", "## Extrapolation to a national import", ""]
    csv_sizes = [int(size) for size, fmt in combos if fmt == "csv" and size != REAL_EXTRACT]
    if csv_sizes:
        size = max(csv_sizes)
        lines.append(
            f"From the rows per second of the largest CSV run ({_int(size)} establishments), "
            f"a national CSV stock of {_int(national_rows)} rows (≈ 40 M establishments + 30 M "
            "legal units) would take, if the rate held (it assumes linear scaling):"
        )
        lines.append("")
        for step in STEPS:
            label = f"essor import, {DATABASES[step]}" if step in DATABASES else LABELS[step]
            rate = _rate(runs.get(f"{size}|csv|{step}"))
            if rate:
                minutes = national_rows / rate / 60
                lines.append(f"- {label}: {_int(round(rate))} rows/s → ≈ {minutes:.1f} min")
            else:
                lines.append(f"- {label}: not measured")
    generated = [r for k, r in runs.items() if k.endswith("|generate")]
    if generated:
        best = max(generated, key=lambda r: r["establishments"])
        lines += [
            "",
            f"Synthetic generation (`essor sirene synth`, largest run): "
            f"{_int(best['establishments'])} establishments in {best['seconds']:.0f} s "
            f"(≈ {_int(round(best['establishments'] / best['seconds']))} establishments/s, "
            f"peak {_int(best['peak_mb'])} Mo).",
        ]
    machine = store.get("machine", {})
    lines += [
        "",
        "## Machine and commands",
        "",
        f"- CPU: {machine.get('cpu', '?')} ({machine.get('nproc', '?')} logical cores), "
        f"RAM {machine.get('ram_gb', '?')} GB",
        f"- Python {machine.get('python', '?')}, DuckDB {machine.get('duckdb', '?')}, "
        f"{machine.get('os', '?')}",
    ]
    dates = sorted({r["date"] for r in runs.values()})
    if dates:
        lines.append(f"- Measured between {dates[0]} and {dates[-1]}")
    commands = sorted({r["command"] for r in runs.values()})
    lines += ["- Commands:", ""] + [f"      .venv/bin/{c}" for c in commands]
    return "\n".join(lines) + "\n"
