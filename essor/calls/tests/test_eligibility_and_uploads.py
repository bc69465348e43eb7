import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from essor.calls import uploads
from essor.calls.actions import applications as app_actions
from essor.calls.eligibility import eligibility_problems
from essor.calls.enums import Stage
from essor.calls.tests import factories as f
from essor.ess.enums import EssFamily

pytestmark = pytest.mark.django_db


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


ODT_BYTES = zipped({"mimetype": uploads.ODT.encode(), "content.xml": b"<x/>"})
DOCX_BYTES = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (f.PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        (ODT_BYTES, uploads.ODT),
        (DOCX_BYTES, uploads.DOCX),
        (zipped({"mimetype": b"application/zip", "x": b""}), None),
        (zipped({"readme.txt": b"hello"}), None),
        (b"MZ\x90\x00 an exe renamed to .pdf", None),
        (b"<html><script>alert(1)</script>", None),
        (b"PK\x03\x04 broken zip", None),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "odt",
        "docx",
        "zip-other-mimetype",
        "plain-zip",
        "exe",
        "html",
        "broken-zip",
    ],
)
def test_type_is_detected_from_content(data, expected):
    assert uploads.detect_type(data) == expected


def test_a_renamed_executable_is_refused_and_not_stored(people, call, settings):
    application = f.draft(call, people["applicant"], complete=False)
    upload = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Type de fichier refusé"):
        app_actions.attach_document(application, upload, label="Statuts", actor=people["applicant"])
    assert not (settings.VAR_DIR / "uploads").exists() or not any(
        (settings.VAR_DIR / "uploads").iterdir()
    )


def test_a_file_over_the_limit_is_refused(people, call, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    application = f.draft(call, people["applicant"], complete=False)
    with pytest.raises(ValidationError, match="taille maximale"):
        app_actions.attach_document(
            application, f.pdf(data=f.PDF + b"0" * 200), label="Statuts", actor=people["applicant"]
        )


def test_a_file_is_stored_outside_the_web_root_under_a_random_name(people, call, settings):
    application = f.draft(call, people["applicant"], complete=False)
    document = app_actions.attach_document(
        application, f.pdf("../../etc/passwd.pdf"), label="Statuts", actor=people["applicant"]
    )
    path = uploads.path_of(document.stored_name)
    assert path.read_bytes() == f.PDF
    assert path.parent == settings.VAR_DIR / "uploads"
    assert "passwd" not in document.stored_name and len(document.stored_name) >= 40
    assert document.original_name == "passwd.pdf"
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValidationError):
        uploads.path_of("../essor.sqlite3")


def test_submission_lists_every_missing_piece(people, call):
    application = f.draft(call, people["applicant"], complete=False)
    with pytest.raises(ValidationError) as error:
        app_actions.submit_application(application, actor=people["applicant"])
    messages = error.value.messages
    assert "Indiquez l'intitulé du projet." in messages
    assert "Pièce obligatoire manquante : « Statuts »." in messages
    assert "Champ obligatoire non rempli : « Description du projet »." in messages


def test_eligibility_rules_on_family_stage_and_size(people):
    the_call = f.call(
        people["org"],
        actor=people["agent"],
        eligible_families=[EssFamily.ASSOCIATION, EssFamily.COOPERATIVE],
        eligible_stages=[Stage.STARTING],
        max_employees=10,
    )
    application = f.draft(
        the_call,
        people["applicant"],
        declared_family=EssFamily.COMMERCIAL,
        stage=Stage.IDEA,
        employees=25,
    )
    problems = eligibility_problems(application)
    assert any("Société commerciale" in p for p in problems)
    assert any("stade" in p for p in problems)
    assert any("effectif" in p for p in problems)
    application = app_actions.save_draft(
        application,
        expected_version=application.version,
        actor=people["applicant"],
        declared_family=EssFamily.ASSOCIATION,
        stage=Stage.STARTING,
        employees=4,
    )
    assert eligibility_problems(application) == []


def test_a_bad_siret_is_refused(people, call):
    with pytest.raises(ValidationError, match="SIRET"):
        app_actions.start_application(call, siret="12345678901234", actor=people["applicant"])
