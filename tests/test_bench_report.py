"""The benchmark's report (bench/bench_report.py): what docs/performance.md shows of a run."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bench_report  # noqa: E402


def _run(seconds, cpu, machine=None, **extra):
    return {"seconds": seconds, "peak_mb": 100, "rows": 1000, "cpu_s": cpu,
            "machine_cpu_s": machine if machine is not None else cpu,
            "date": "2026-12-06 18:00 UTC", "command": "python bench/run.py", **extra}  # fmt: skip


def test_processor_time_is_compared_with_what_two_floors_on_every_core_allow():
    store = {
        "machine": {"nproc": "2"},
        "runs": {
            "1000|csv|floor": _run(10.0, 19.0),
            "1000|csv|import": _run(40.0, 60.0, 61.0),
            "1000|csv|import_pg": _run(45.0, 8.25, 80.0),
            "1000|csv|import_dry": _run(25.0, 35.0, step_durations={"ecriture": 0.0}),
        },
    }
    text = bench_report.render(store, 70_000_000)
    table = text.split("### Processor time", 1)[1]
    row = next(line for line in table.splitlines() if line.startswith("| 1 000 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    # floor, pandas, pandas detail, SQLite, PostgreSQL, dry run, budget (2 × 10 s × 2 cores),
    # shares
    assert cells[2:] == [
        "10.0 s · 19", "—", "—", "60 · 61", "8.2 · 80", "35", "40.0", "1.5 × · 2.0 ×",
    ]  # fmt: skip
    results = text.split("## Results", 1)[1].split("###", 1)[0]
    row = next(line for line in results.splitlines() if line.startswith("| 1 000 |"))
    assert "| 4.0 × · 4.5 × · 2.5 × |" in row  # import / floor: SQLite, PostgreSQL, dry run
    steps = text.split("### Where essor's import", 1)[1].split("###", 1)[0]
    assert "| 1 000 | csv | — (dry run) | 0.0 |" in steps


def test_runs_measured_before_processor_time_was_recorded_leave_the_table_out():
    old = {k: v for k, v in _run(10.0, 0).items() if k not in ("cpu_s", "machine_cpu_s")}
    store = {"machine": {"nproc": "2"}, "runs": {"1000|csv|floor": old}}
    assert "### Processor time" not in bench_report.render(store, 70_000_000)
