import csv
import importlib.util
from pathlib import Path

import pytest
from django.urls import reverse

from essor.nomenclatures.loader import CJ_PATH, NAF_PATH, load_nomenclatures

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "build_nomenclatures.py"


def build_module():
    spec = importlib.util.spec_from_file_location("build_nomenclatures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_files_are_the_script_output_on_the_insee_files(shared_data, tmp_path):
    naf_dir = shared_data / "nomenclature_naf_rev2"
    build_module().main([
        "--naf-levels", str(naf_dir / "naf_rev2_5_niveaux.csv"),
        "--naf-labels", str(naf_dir / "naf_rev2_libelles_courts_insee.csv"),
        "--cj-dir", str(shared_data / "nomenclature_categories_juridiques"),
        "--out", str(tmp_path),
    ])  # fmt: skip
    assert (tmp_path / "naf_rev2.csv").read_text() == NAF_PATH.read_text()
    assert (tmp_path / "categories_juridiques.csv").read_text() == CJ_PATH.read_text()


def test_shipped_naf_file_is_complete():
    with NAF_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1728
    assert all(len(row["short_label"]) <= 70 for row in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["nafcode", "legalcategory", "workforceband"])
def test_admin_lists_are_searchable_and_read_only(admin_client, model):
    load_nomenclatures()
    response = admin_client.get(reverse(f"admin:nomenclatures_{model}_changelist"), {"q": "1"})
    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:nomenclatures_{model}_add")).status_code == 403
