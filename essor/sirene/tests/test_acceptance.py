"""Importing the real sample files gives the counts of an independent computation."""

import duckdb
import pytest
from django.db.models import Sum

from essor.sirene.models import Establishment, EstablishmentAggregate, LegalUnit
from essor.sirene.pipeline.run import run_import
from essor.sirene.tests.helpers import (
    expected,
    expected_legal_units,
    expected_with_plain_duckdb,
)
from essor.territories.lookup import commune_index


def aggregate_counts(run, field: str) -> dict:
    rows = EstablishmentAggregate.objects.filter(run=run).values_list(field).annotate(Sum("count"))
    return dict(rows.order_by())


def assert_matches(run, want: dict) -> None:
    assert run.status == "succeeded" and run.is_current
    assert run.legal_units_read == want["ul_read"]
    assert run.rejected["unites_legales"] == want["ul_rejected"]
    assert run.legal_units_kept == want["ul_kept"] == LegalUnit.objects.filter(run=run).count()
    assert run.establishments_read == want["etab_read"]
    assert run.rejected["etablissements"] == want["rejected"]
    assert run.establishments_kept == want["kept"]
    assert Establishment.objects.current().count() == want["kept"]
    assert aggregate_counts(run, "commune_code") == want["per_commune"]
    assert aggregate_counts(run, "state") == want["per_state"]
    assert run.unknown_communes == want["unknown"]
    assert f"{want['orphans']} établissements sans unité légale" in run.message


def test_import_of_the_53_column_sample_matches_an_independent_count(
    referential, ul_file, etab_file
):
    run = run_import(ul_file, etab_file, progress=False)
    assert run.format_version == "53 colonnes"
    assert str(run.data_date) == "2024-03-22"
    assert_matches(run, expected(ul_file, etab_file, commune_index()))
    assert [s["role"] for s in run.sources] == ["unites_legales", "etablissements"]
    assert run.sources[1]["size"] == etab_file.stat().st_size
    assert len(run.sources[1]["sha256"]) == 64


@pytest.mark.slow
def test_import_of_the_2021_million_rows_matches_an_independent_count(
    referential, ul_file, etab_2021_file
):
    run = run_import(ul_file, etab_2021_file, progress=False)
    assert run.format_version == "48 colonnes"
    assert str(run.data_date) == "2021-10-31"
    index = commune_index()
    uls = expected_legal_units(ul_file)
    want = {**uls, **expected_with_plain_duckdb(uls["ess"], uls["known"], etab_2021_file, index)}
    assert_matches(run, want)
    # Most SIRENs of this slice have no legal unit in the UL sample: they are counted in the
    # aggregates (checked above) and never kept in detail.
    assert want["orphans"] > 900_000
    # A second, plain DuckDB count of the same file (no pipeline code): rows per état.
    plain = dict(
        duckdb.connect()
        .execute(
            f"SELECT etatAdministratifEtablissement, count(*) FROM read_csv('{etab_2021_file}', "
            "all_varchar = true) GROUP BY 1"
        )
        .fetchall()
    )
    assert plain == aggregate_counts(run, "state")
    # Closure date = dateDebut of the current period, for closed establishments only.
    sirets = list(Establishment.objects.current().values_list("siret", "state", "closed_on"))
    starts = dict(
        duckdb.connect()
        .execute(
            f"SELECT siret, dateDebut FROM read_csv('{etab_2021_file}', all_varchar = true) "
            f"WHERE siret IN ({', '.join(repr(s) for s, _, _ in sirets)})"
        )
        .fetchall()
    )
    for siret, state, closed_on in sirets:
        wanted = starts[siret] if state == "F" else None
        assert (str(closed_on) if closed_on else None) == wanted
