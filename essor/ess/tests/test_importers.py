from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essor.ess.lists import list_flag_rows, list_flags
from essor.ess.models import ListEntry, ListImport, SiaeEntry

pytestmark = pytest.mark.django_db

SIAE_FILE = ("siae_liste_asp_2019", "liste_siae_2019_07.csv")
ESS_FRANCE_FILE = ("ess_numerique_extraits_sirene_essfrance", "liste_ess_france_naf_numerique.csv")
# Valid SIRENs (Luhn): La Poste, and two of the ESS France extract.
LA_POSTE, S1, S2 = "356000000", "301123741", "301652673"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return str(path)


def test_import_ess_france_list_from_the_real_extract(shared_data):
    output = run(
        "import_ess_list", "--kind", "ess_france", str(shared_data.joinpath(*ESS_FRANCE_FILE))
    )
    assert "read=2061 kept=2061 rejected=0" in output
    assert "encoding=utf-8 delimiter=','" in output
    assert ListEntry.objects.filter(kind="ess_france").count() == 2061
    entry = ListEntry.objects.get(siren=S1)
    assert entry.name == "CTRE STATISTIQ INFORMAT APPLIQUEES"
    record = ListImport.objects.get(kind="ess_france")
    assert record.is_current and record.rows_kept == 2061 and len(record.sha256) == 64


def test_rows_are_padded_checked_and_rejected_by_reason(tmp_path):
    content = (
        "\ufeffNom;Siren\n"
        "Poste;356000000\n"
        "Padded;56000000\n"  # leading zero lost: 056000000 is not Luhn-valid → rejected
        "A;301 123 741\n"
        "Twice;301123741\n"
        "Bad;123456789\n"
        "Empty;\n"
    )
    output = run("import_ess_list", "--kind", "esus", write(tmp_path, "esus.csv", content))
    assert "delimiter=';'" in output
    assert (
        "read=6 kept=2 rejected=4 rejected_empty=1 rejected_invalid_siren=2 rejected_duplicate=1"
    ) in output
    assert "rejet ligne 6 : invalid_siren « 123456789 »" in output
    assert set(ListEntry.objects.filter(kind="esus").values_list("siren", flat=True)) == {
        LA_POSTE,
        S1,
    }
    assert ListImport.objects.get(kind="esus").rejected == {
        "invalid_siren": 2,
        "duplicate": 1,
        "empty": 1,
    }


def test_short_siren_is_zero_padded(tmp_path):
    # 005420120 is Luhn-valid; written without its leading zeros by a spreadsheet.
    run("import_ess_list", "--kind", "esus", write(tmp_path, "l.csv", "SIREN\n5420120\n"))
    assert list(ListEntry.objects.values_list("siren", flat=True)) == ["005420120"]


def test_new_import_replaces_the_list_and_keeps_history(tmp_path):
    run("import_ess_list", "--kind", "esus", write(tmp_path, "a.csv", f"siren\n{S1}\n{S2}\n"))
    run("import_ess_list", "--kind", "ess_france", write(tmp_path, "b.csv", f"siren\n{S1}\n"))
    run("import_ess_list", "--kind", "esus", write(tmp_path, "c.csv", f"siren\n{S2}\n"))
    assert list(ListEntry.objects.filter(kind="esus").values_list("siren", flat=True)) == [S2]
    assert ListEntry.objects.filter(kind="ess_france").count() == 1
    assert ListImport.objects.filter(kind="esus").count() == 2
    assert ListImport.objects.filter(kind="esus", is_current=True).count() == 1


def test_missing_siren_column_is_refused_and_previous_list_kept(tmp_path):
    run("import_ess_list", "--kind", "esus", write(tmp_path, "ok.csv", f"siren\n{S1}\n"))
    bad = write(tmp_path, "bad.csv", f"numero;nom\n{S2};X\n")
    with pytest.raises(CommandError) as error:
        run("import_ess_list", "--kind", "esus", bad)
    assert (
        str(error.value) == f"{bad} : colonne SIREN introuvable ; colonnes trouvées : numero, nom"
    )
    assert list(ListEntry.objects.values_list("siren", flat=True)) == [S1]
    assert ListImport.objects.count() == 1


def test_file_without_any_valid_siren_is_refused(tmp_path):
    run("import_ess_list", "--kind", "esus", write(tmp_path, "ok.csv", f"siren\n{S1}\n"))
    with pytest.raises(CommandError, match="aucun SIREN valide sur 2 lignes"):
        run("import_ess_list", "--kind", "esus", write(tmp_path, "bad.csv", "siren\n123\nabc\n"))
    assert list(ListEntry.objects.values_list("siren", flat=True)) == [S1]


def test_latin_1_file_is_read_and_the_output_says_so(tmp_path):
    path = write(tmp_path, "l1.csv", f"siren;nom\n{S1};Coopérative Été\n", encoding="latin-1")
    output = run("import_ess_list", "--kind", "esus", path)
    assert "encoding=latin-1" in output and "n'est pas en UTF-8" in output
    assert ListEntry.objects.get().name == "Coopérative Été"


def test_utf_16_file_is_refused_and_previous_list_kept(tmp_path):
    run("import_ess_list", "--kind", "esus", write(tmp_path, "ok.csv", f"siren\n{S1}\n"))
    bad = write(tmp_path, "u16.csv", f"siren\n{S2}\n", encoding="utf-16")
    with pytest.raises(CommandError, match=r"u16\.csv : encodage illisible"):
        run("import_ess_list", "--kind", "esus", bad)
    assert list(ListEntry.objects.values_list("siren", flat=True)) == [S1]


def test_dry_run_writes_nothing(tmp_path):
    output = run(
        "import_ess_list", "--kind", "esus", "--dry-run", write(tmp_path, "a.csv", f"siren\n{S1}\n")
    )
    assert "read=1 kept=1" in output and "dry_run=1" in output
    assert not ListEntry.objects.exists() and not ListImport.objects.exists()


def test_file_url_is_accepted(tmp_path):
    path = write(tmp_path, "a.csv", f"siren\n{S1}\n")
    run("import_ess_list", "--kind", "ess_france", f"file://{path}")
    assert ListEntry.objects.get().siren == S1


def test_import_siae_from_the_real_asp_file(shared_data):
    output = run("import_siae", str(shared_data.joinpath(*SIAE_FILE)))
    # Rows per kind as in PROVENANCE.md; 109 rows repeat a SIRET × kind (one convention listed
    # in two départements).
    assert "read=3932 kept=3823 rejected=109" in output
    assert "rejected_invalid_siret=0" in output and "rejected_duplicate=109" in output
    for kind, read in {"ACI": 1978, "EI": 992, "AI": 666, "ETTI": 296}.items():
        assert f"kind={kind} read={read} " in output
    assert SiaeEntry.objects.count() == 3823
    assert SiaeEntry.objects.values("siret").distinct().count() == 3637
    entry = SiaeEntry.objects.get(siret="41071771400035", kind="ETTI")
    assert (entry.siren, entry.name, entry.naf, entry.postal_code, entry.commune_name) == (
        "410717714",
        "AINTERIM'AIR",
        "78.20Z",
        "01500",
        "AMBERIEU EN BUGEY",
    )
    assert entry.legal_form == "SARL coopérative ouvrière de production (SCOP)"


def test_siae_same_siret_under_two_kinds_is_kept_twice(tmp_path):
    header = "MESURE;SIRET;DENOMINATION_SOCIALE;CODE_NAF2\n"
    rows = (
        "AI;30112374100011;X;8810C\nACI;30112374100011;X;8810C\nXX;30112374100011;X;\nEI;123;Y;\n"
    )
    output = run("import_siae", write(tmp_path, "s.csv", header + rows))
    assert "read=4 kept=2 rejected=2" in output
    assert "rejected_invalid_siret=1 rejected_unknown_kind=1" in output
    assert sorted(SiaeEntry.objects.values_list("kind", flat=True)) == ["ACI", "AI"]


def test_siae_file_without_mesure_column_is_refused_and_previous_list_kept(tmp_path, shared_data):
    run("import_siae", write(tmp_path, "s.csv", "MESURE;SIRET\nEI;30112374100011\n"))
    bad = write(tmp_path, "bad.csv", "SIRET;NOM\n30165267300016;X\n")
    with pytest.raises(
        CommandError, match="colonne MESURE introuvable ; colonnes trouvées : SIRET, NOM"
    ):
        run("import_siae", bad)
    assert list(SiaeEntry.objects.values_list("siret", flat=True)) == ["30112374100011"]


def test_list_flags_merge_the_current_lists(tmp_path):
    run("import_ess_list", "--kind", "ess_france", write(tmp_path, "a.csv", f"siren\n{S1}\n{S2}\n"))
    run("import_ess_list", "--kind", "esus", write(tmp_path, "b.csv", f"siren\n{S2}\n"))
    siae = "MESURE;SIRET\nEI;30112374100011\nACI;30112374100011\nAI;35600000000010\n"
    run("import_siae", write(tmp_path, "s.csv", siae))
    assert list_flags() == {
        S1: (True, False, "ACI"),
        S2: (True, True, ""),
        LA_POSTE: (False, False, "AI"),
    }
    assert list_flag_rows()[0] == (S1, True, False, "ACI")


def test_failure_while_writing_rolls_back_to_the_previous_list(tmp_path, monkeypatch):
    run("import_ess_list", "--kind", "esus", write(tmp_path, "ok.csv", f"siren\n{S1}\n"))

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(ListEntry.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        run("import_ess_list", "--kind", "esus", write(tmp_path, "new.csv", f"siren\n{S2}\n"))
    assert list(ListEntry.objects.values_list("siren", flat=True)) == [S1]
    assert ListImport.objects.get(is_current=True).source.endswith("ok.csv")
    assert ListImport.objects.count() == 1
