"""Uploaded files: type detected from the content (magic bytes), size limit, storage outside the
web root under a random name. Files are only ever served by `views.files`, after a permission check.
"""

import hashlib
import io
import secrets
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACCEPTED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    ODT: ".odt",
    DOCX: ".docx",
}
ACCEPTED_LABEL = "PDF, PNG, JPEG, ODT, DOCX"


def upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _zip_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
            return ODT
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    return None


def detect_type(data: bytes) -> str | None:
    """The content type of `data` among the accepted ones, from its bytes only; None otherwise."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


def read_upload(uploaded) -> bytes:
    """The bytes of a Django UploadedFile, refusing it past the size limit without reading it all."""
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Le fichier dépasse la taille maximale de 10 Mo."))
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Le fichier dépasse la taille maximale de 10 Mo."))
    if not data:
        raise ValidationError(_("Le fichier est vide."))
    return data


def check_content(data: bytes) -> str:
    content_type = detect_type(data)
    if content_type is None:
        raise ValidationError(
            _("Type de fichier refusé : seuls sont acceptés les formats %s.") % ACCEPTED_LABEL
        )
    return content_type


def store(data: bytes, content_type: str) -> tuple[str, str]:
    """Writes `data` under a random name; returns (stored name, sha256)."""
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(20) + ACCEPTED[content_type]
    (directory / name).write_bytes(data)
    return name, hashlib.sha256(data).hexdigest()


def path_of(stored_name: str) -> Path:
    path = (upload_dir() / stored_name).resolve()
    if path.parent != upload_dir().resolve():
        raise ValidationError(_("Nom de fichier invalide."))
    return path


def safe_name(original: str) -> str:
    name = Path(original or "fichier").name.replace('"', "").replace("\n", " ")
    return name[:200] or "fichier"
