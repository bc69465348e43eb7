"""The measured steps of the Sirene benchmark, each run in its own process by `bench/run.py`.

`python bench/steps.py <step> <json arguments>` prints one JSON line with the step's own counts;
wall time and peak memory are measured from outside by the parent (os.wait4).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGGREGATE_KEYS = ["commune", "division", "band", "state", "employer"]
UL_COLUMNS = ["siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale"]
ETAB_COLUMNS = [
    "siren",
    "codeCommuneEtablissement",
    "activitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "etatAdministratifEtablissement",
    "caractereEmployeurEtablissement",
]
CHUNK_ROWS = 100_000


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essor.settings")
    import django

    django.setup()


def step_setup(args: dict) -> dict:
    """Migrates the bench database and loads the territorial referential (once)."""
    django_setup()
    from django.core.management import call_command

    from essor.territories.models import Commune

    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_referentials", verbosity=0)
    return {"communes": Commune.objects.count()}


def step_generate(args: dict) -> dict:
    django_setup()
    from essor.sirene.synth import generate

    result = generate(
        args["perimeter"], args["size"], args["seed"], Path(args["out"]), fmt=args["format"],
        progress=False,
    )  # fmt: skip
    return {"legal_units": result.legal_units, "establishments": result.establishments,
            "ess_establishments": result.ess_establishments}  # fmt: skip


def _source(con, path: str) -> str:
    if path.endswith(".parquet"):
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"')"


def step_floor(args: dict) -> dict:
    """DuckDB reading every column of both files: count(*) and max() of each column, so that
    every value is parsed and materialised. Nothing else: the cost of merely reading."""
    import duckdb

    con = duckdb.connect()
    rows = {}
    for role in ("ul", "etab"):
        source = _source(con, args[role])
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        maxima = ", ".join(f'max("{c}")' for c in columns)
        result = con.execute(f"SELECT count(*), {maxima} FROM {source}").fetchone()
        rows[role] = result[0]
    return {"rows": rows["ul"] + rows["etab"], "ul_rows": rows["ul"], "etab_rows": rows["etab"]}


def _batches(path: str, columns):
    """Chunks of CHUNK_ROWS rows, every value a string; `columns`: the names to read (those
    absent from the file are skipped: the 48- and 53-column formats differ)."""
    import pandas as pd

    wanted = set(columns)
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        present = [c for c in parquet.schema_arrow.names if c in wanted]
        for batch in parquet.iter_batches(batch_size=CHUNK_ROWS, columns=present):
            yield batch.to_pandas()
    else:
        yield from pd.read_csv(
            path, chunksize=CHUNK_ROWS, dtype=str, usecols=lambda c: c in wanted,
            keep_default_na=False,
        )  # fmt: skip


def _pandas_pass(args: dict, ul_columns, etab_columns, keep_detail: bool) -> dict:
    """The same ESS filter as essor (statutory family by catégorie juridique, or the Sirene
    flag O) and the same aggregate of *every* establishment (commune × NAF division × band ×
    state × employer), in chunks of 100,000 rows. With `keep_detail`, the rows of the ESS legal
    units and establishments are kept in memory, every column read (what essor writes, before
    its checks, geography and write)."""
    import pandas as pd

    django_setup()
    from essor.ess.rules import STATUTORY_FAMILIES, cj_family_rows

    statutory = {code for code, family in cj_family_rows() if family in STATUTORY_FAMILIES}
    ess_units, ul_rows = [], 0
    for frame in _batches(args["ul"], ul_columns):
        ul_rows += len(frame)
        keep = frame["categorieJuridiqueUniteLegale"].isin(statutory) | (
            frame["economieSocialeSolidaireUniteLegale"] == "O"
        )
        ess_units.append(frame[keep] if keep_detail else frame.loc[keep, "siren"])
    if keep_detail:
        ess_units = [pd.concat(ess_units)] if ess_units else []
        ess_sirens = ess_units[0]["siren"] if ess_units else pd.Series([], dtype=str)
    else:
        ess_sirens = pd.concat(ess_units) if ess_units else pd.Series([], dtype=str)
    # An Index hashes its values once; Series.isin(set) would rehash the whole set per chunk.
    ess_index = pd.Index(ess_sirens.unique())
    partials, detail = [], []
    etab_rows = kept = 0
    for frame in _batches(args["etab"], etab_columns):
        etab_rows += len(frame)
        grouped = frame.groupby(
            [
                frame["codeCommuneEtablissement"].rename("commune"),
                frame["activitePrincipaleEtablissement"].str[:2].rename("division"),
                frame["trancheEffectifsEtablissement"].rename("band"),
                frame["etatAdministratifEtablissement"].rename("state"),
                frame["caractereEmployeurEtablissement"].rename("employer"),
            ]
        ).size()
        partials.append(grouped)
        ess = frame[ess_index.get_indexer(frame["siren"]) >= 0]
        kept += len(ess)
        if keep_detail:
            detail.append(ess)
    total = pd.concat(partials).groupby(level=AGGREGATE_KEYS).sum() if partials else []
    if detail:
        detail = pd.concat(detail)
    return {"rows": ul_rows + etab_rows, "ess_legal_units": len(ess_index),
            "ess_establishments": kept, "groups": len(total)}  # fmt: skip


def step_pandas(args: dict) -> dict:
    """The pandas anchor of the issue: only the 3 + 6 columns the filter and the aggregate use."""
    return _pandas_pass(args, UL_COLUMNS, ETAB_COLUMNS, keep_detail=False)


def step_pandas_detail(args: dict) -> dict:
    """The same, reading the columns essor reads (its detail rows) and keeping the ESS rows."""
    from essor.sirene.pipeline import sources

    etab = [*sources.ETAB_COLUMNS, *sources.ETAB_OPTIONAL_COLUMNS]
    return _pandas_pass(args, sources.UL_COLUMNS, etab, keep_detail=True)


def step_import(args: dict) -> dict:
    django_setup()
    from essor.sirene.pipeline.run import run_import

    # The import alone, as before the observatory existed: bench/observatory.py times the
    # indicators and bench/directory_search.py the search index.
    run = run_import(args["ul"], args["etab"], force=True, progress=False, indicators=False)
    return {
        "rows": run.legal_units_read + run.establishments_read,
        "status": run.status,
        "legal_units_kept": run.legal_units_kept,
        "establishments_kept": run.establishments_kept,
        "step_durations": run.step_durations,
    }


def step_import_dry(args: dict) -> dict:
    """`essor sirene import --dry-run`: everything but the database write (reading, checks,
    qualification, aggregates, detail rows, geography, rejects file)."""
    django_setup()
    from essor.sirene.pipeline.run import run_import

    run = run_import(
        args["ul"], args["etab"], force=True, progress=False, indicators=False, dry_run=True
    )
    return {
        "rows": run.legal_units_read + run.establishments_read,
        "establishments_kept": run.establishments_kept,
        "step_durations": run.step_durations,
    }


STEPS = {
    "setup": step_setup,
    "generate": step_generate,
    "floor": step_floor,
    "pandas": step_pandas,
    "pandas_detail": step_pandas_detail,
    "import": step_import,
    "import_pg": step_import,  # the same, DATABASE_URL set to PostgreSQL by bench/run.py
    "import_dry": step_import_dry,
}

if __name__ == "__main__":
    name, raw = sys.argv[1], sys.argv[2]
    print("BENCH-RESULT " + json.dumps(STEPS[name](json.loads(raw)), default=str))
