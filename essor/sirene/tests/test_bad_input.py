"""A broken file stops the import with its file, line and column, and the previous data stays
online; a broken row is rejected, counted and written to the rejects file."""

import csv
import gzip
import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection

from essor.sirene.models import EstablishmentAggregate, ImportRun, RunStatus
from essor.sirene.pipeline import load, tables
from essor.sirene.pipeline.run import run_import
from essor.sirene.pipeline.tables import SUFFIX
from essor.sirene.tests.helpers import read_rows, write_rows


@pytest.fixture
def previous(db, ul_file, etab_file):
    run = run_import(ul_file, etab_file, progress=False)
    return run, EstablishmentAggregate.objects.filter(run=run).count()


def assert_previous_online(previous) -> None:
    run, aggregates = previous
    assert ImportRun.objects.current() == run
    assert EstablishmentAggregate.objects.current().count() == aggregates
    assert not EstablishmentAggregate.objects.exclude(run=run).exists()
    last = ImportRun.objects.first()
    assert last != run and last.status in (RunStatus.FAILED, RunStatus.REFUSED)
    assert not last.is_current


def renamed_column(tmp_path, ul, etab):
    header, rows = read_rows(etab)
    header = ["codeCommuneEtab" if c == "codeCommuneEtablissement" else c for c in header]
    for row in rows:
        row["codeCommuneEtab"] = row.pop("codeCommuneEtablissement")
    return ul, write_rows(tmp_path / "etab.csv", header, rows)


def semicolons(tmp_path, ul, etab):
    header, rows = read_rows(etab)
    return ul, write_rows(tmp_path / "etab.csv", header, rows, delimiter=";")


def latin1(tmp_path, ul, etab):
    lines = etab.read_bytes().split(b"\n")
    fields = lines[4].split(b",")
    fields[17] = "CAFÉ DE LA GARE".encode("latin-1")  # libelleVoieEtablissement, line 5
    lines[4] = b",".join(fields)
    target = tmp_path / "etab.csv"
    target.write_bytes(b"\n".join(lines))
    return ul, target


def truncated_zip(tmp_path, ul, etab):
    archive = tmp_path / "etab.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(etab, "StockEtablissement_utf8.csv")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    return ul, archive


def truncated_gz(tmp_path, ul, etab):
    target = tmp_path / "etab.csv.gz"
    data = gzip.compress(etab.read_bytes())
    target.write_bytes(data[: len(data) // 2])
    return ul, target


def empty(tmp_path, ul, etab):
    target = tmp_path / "etab.csv"
    target.write_bytes(b"")
    return ul, target


def header_only(tmp_path, ul, etab):
    target = tmp_path / "etab.csv"
    target.write_bytes(etab.read_bytes().split(b"\n")[0] + b"\n")
    return ul, target


def etab_as_ul(tmp_path, ul, etab):
    return etab, etab


def ul_as_etab(tmp_path, ul, etab):
    return ul, ul


CASES = {
    "renamed_column": (
        renamed_column,
        ["etab.csv", "ligne 1", "colonne codeCommuneEtablissement", "« codeCommuneEtab »"],
    ),
    "semicolon": (semicolons, ["etab.csv", "ligne 1", "séparateur « ; »"]),
    "latin1": (latin1, ["etab.csv", "ligne 5", "colonne libelleVoieEtablissement", "UTF-8"]),
    "truncated_zip": (truncated_zip, ["etab.zip", "zip tronquée ou corrompue"]),
    "truncated_gz": (truncated_gz, ["etab.csv.gz", "gzip tronqué", "ligne "]),
    "empty": (empty, ["etab.csv", "fichier vide"]),
    "header_only": (header_only, ["etab.csv", "ligne 2", "aucune ligne de données"]),
    "etab_as_ul": (etab_as_ul, ["StockEtablissement", "ligne 1", "fichier d'établissements"]),
    "ul_as_etab": (ul_as_etab, ["StockUniteLegale", "ligne 1", "fichier d'unités légales"]),
}


@pytest.mark.parametrize("case", CASES)
def test_import_stops_on_a_broken_file_and_keeps_previous_data(
    case, previous, tmp_path, ul_file, etab_file
):
    build, fragments = CASES[case]
    ul, etab = build(tmp_path, ul_file, etab_file)
    with pytest.raises(CommandError) as caught:
        run_import(ul, etab, progress=False)
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert_previous_online(previous)
    assert str(caught.value) in ImportRun.objects.first().message


def _files(*paths) -> list[tuple[str, int, str]]:
    return [
        (str(p), Path(p).stat().st_size, hashlib.sha256(Path(p).read_bytes()).hexdigest())
        for p in paths
    ]


def test_runs_record_their_files_checksums_even_when_they_fail(
    previous, tmp_path, ul_file, etab_file
):
    """Checksums are computed while DuckDB reads the files: a run records them all the same,
    on success and on failure."""
    recorded = [(s["path"], s["size"], s["sha256"]) for s in previous[0].sources]
    assert recorded == _files(ul_file, etab_file)
    ul, etab = semicolons(tmp_path, ul_file, etab_file)
    with pytest.raises(CommandError):
        run_import(ul, etab, progress=False)
    failed = ImportRun.objects.first()
    assert failed.status == RunStatus.FAILED
    assert [(s["path"], s["size"], s["sha256"]) for s in failed.sources] == _files(ul, etab)


def test_broken_rows_are_rejected_counted_and_listed(db, tmp_path, ul_file, etab_file):
    header, rows = read_rows(etab_file)
    rows[2]["siret"] = rows[2]["siret"][:-1] + str((int(rows[2]["siret"][-1]) + 1) % 10)
    rows[5]["dateCreationEtablissement"] = "2021-13-45"
    rows[7]["siren"] = "999999999"
    bad_siret, bad_date, bad_siren = rows[2]["siret"], rows[5], rows[7]
    etab = write_rows(tmp_path / "etab.csv", header, rows)
    run = run_import(ul_file, etab, progress=False)
    assert run.status == RunStatus.SUCCEEDED
    assert run.rejected["etablissements"] == {
        "siret_invalide": 1,
        "date_invalide": 1,
        "siren_incoherent": 1,
    }
    assert run.establishments_read == len(rows)
    assert sum(EstablishmentAggregate.objects.current().values_list("count", flat=True)) == (
        len(rows) - 3
    )
    with open(run.rejects_file, encoding="utf-8") as handle:
        listed = list(csv.DictReader(handle))
    by_column = {row["column"]: row for row in listed}
    assert by_column["siret"]["line"] == "4" and by_column["siret"]["value"] == bad_siret
    assert by_column["dateCreationEtablissement"]["line"] == "7"
    assert by_column["dateCreationEtablissement"]["value"] == "2021-13-45"
    assert by_column["siren"]["line"] == "9" and by_column["siren"]["value"] == "999999999"
    assert all(row["file"] == str(etab) for row in listed)
    assert bad_date and bad_siren


def test_a_malformed_line_is_rejected_with_its_line(db, tmp_path, ul_file, etab_file):
    lines = etab_file.read_bytes().split(b"\n")
    lines.insert(3, b"1,2,3")
    etab = tmp_path / "etab.csv"
    etab.write_bytes(b"\n".join(lines))
    header, rows = read_rows(etab_file)
    rows[6]["siret"] = "123"
    # Line numbers after the skipped line still point at the right line.
    lines[8] = b",".join(lines[8].split(b",")[:2] + [b"123"] + lines[8].split(b",")[3:])
    etab.write_bytes(b"\n".join(lines))
    run = run_import(ul_file, etab, progress=False)
    assert run.rejected["etablissements"] == {"ligne_mal_formee": 1, "siret_invalide": 1}
    with open(run.rejects_file, encoding="utf-8") as handle:
        listed = {row["line"]: row for row in csv.DictReader(handle)}
    assert listed["4"]["value"] == "1,2,3"
    assert listed["9"]["column"] == "siret" and listed["9"]["value"] == "123"
    assert run.establishments_read == len(rows) + 1


def test_failure_while_writing_drops_the_twin_tables_and_keeps_previous(
    previous, monkeypatch, ul_file, etab_file
):
    real = load.write_all

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "write_all", crash)
    with pytest.raises(KeyboardInterrupt):
        run_import(ul_file, etab_file, progress=False)
    assert_previous_online(previous)
    assert ImportRun.objects.first().status == RunStatus.FAILED
    assert _twins() == []


def test_leftover_rows_of_a_crashed_run_are_cleaned_at_next_start(previous, ul_file, etab_file):
    crashed = ImportRun.objects.create(status=RunStatus.RUNNING)
    EstablishmentAggregate.objects.create(run=crashed, commune_code="44109", state="A", count=3)
    run = run_import(ul_file, etab_file, progress=False)
    crashed.refresh_from_db()
    assert crashed.status == RunStatus.FAILED and run.is_current
    assert not EstablishmentAggregate.objects.filter(run=crashed).exists()
    assert not EstablishmentAggregate.objects.filter(run=previous[0]).exists()


def test_zip_gz_and_parquet_give_the_same_counts(db, tmp_path, ul_file, etab_file):
    import duckdb

    archive = tmp_path / "etab.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(etab_file, "StockEtablissement_utf8.csv")
    gz = tmp_path / "etab.csv.gz"
    with etab_file.open("rb") as src, gzip.open(gz, "wb") as out:
        shutil.copyfileobj(src, out)
    parquet = tmp_path / "etab.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{etab_file}', all_varchar = true)) TO '{parquet}' "
        "(FORMAT parquet)"
    )
    results = []
    for path in (etab_file, archive, gz, parquet):
        run = run_import(ul_file, path, progress=False, force=True)
        aggregates = sorted(
            EstablishmentAggregate.objects.filter(run=run).values_list(
                "commune_code", "naf_division", "workforce_band", "state", "employer", "count"
            ),
            key=str,
        )
        results.append((run.establishments_read, run.establishments_kept, aggregates))
    assert run.sources[1]["format"] == "parquet"
    assert all(result == results[0] for result in results)


def _twins() -> list[str]:
    return [name for name in connection.introspection.table_names() if name.endswith(SUFFIX)]


def _index_names() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: set(
                connection.introspection.get_constraints(cursor, model._meta.db_table)
            )
            for model in tables.MODELS
        }


def test_a_failure_during_the_swap_keeps_the_previous_run_online(
    previous, monkeypatch, ul_file, etab_file
):
    real = tables.swap

    def half_swap():
        real()  # every live table already dropped and replaced inside the transaction
        raise RuntimeError("coupure")

    monkeypatch.setattr(tables, "swap", half_swap)
    with pytest.raises(RuntimeError):
        run_import(ul_file, etab_file, progress=False)
    assert_previous_online(previous)
    assert _twins() == []


def test_the_swap_keeps_the_index_names_and_ids_keep_growing(previous, ul_file, etab_file):
    from essor.sirene.models import LegalUnit

    old_run, _ = previous
    indexes = _index_names()
    old_max = LegalUnit.objects.filter(run=old_run).order_by("-id").values_list("id", flat=True)[0]
    run = run_import(ul_file, etab_file, progress=False)
    assert _index_names() == indexes
    assert _twins() == []
    assert not LegalUnit.objects.filter(run=old_run).exists()
    assert LegalUnit.objects.filter(run=run, id__lte=old_max).count() == 0
    assert LegalUnit.objects.filter(run=run).count() == run.legal_units_kept
    # The ORM still inserts after the imported rows (sequences follow the explicit ids).
    unit = LegalUnit.objects.filter(run=run).first()
    unit.pk = None
    unit.save()
    assert unit.pk > LegalUnit.objects.filter(run=run).exclude(pk=unit.pk).order_by("-id")[0].pk


def test_twins_left_by_a_crashed_import_are_dropped_at_next_start(previous, ul_file, etab_file):
    crashed = ImportRun.objects.create(status=RunStatus.RUNNING)
    tables.create_next()
    EstablishmentAggregate.objects.create(run=crashed, commune_code="44109", state="A", count=3)
    run = run_import(ul_file, etab_file, progress=False)
    crashed.refresh_from_db()
    assert crashed.status == RunStatus.FAILED and run.is_current
    assert _twins() == []


def test_broken_legal_unit_rows_are_rejected(db, tmp_path, ul_file, etab_file):
    header, rows = read_rows(ul_file)
    rows[10]["siren"] = "123456789"  # fails the check digit
    rows[20]["dateCreationUniteLegale"] = "31/12/1999"
    ul = write_rows(tmp_path / "ul.csv", header, rows)
    run = run_import(ul, etab_file, progress=False)
    assert run.rejected["unites_legales"] == {"siren_invalide": 1, "date_invalide": 1}
    assert run.legal_units_read == len(rows)
    with open(run.rejects_file, encoding="utf-8") as handle:
        listed = [row for row in csv.DictReader(handle) if row["file"] == str(ul)]
    assert {(row["line"], row["column"], row["value"]) for row in listed} == {
        ("12", "siren", "123456789"),
        ("22", "dateCreationUniteLegale", "31/12/1999"),
    }
