"""Logos of actors: PNG, JPEG or WebP recognised from their bytes (never from the name or the
browser's content type), at most 1 MB, stored under a random name outside the web root and served
by `views.actor_logo`. Reuses the upload helpers of essor.calls.uploads."""

import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from essor.calls import uploads

MAX_LOGO_BYTES = 1024 * 1024
TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}
BY_SUFFIX = {suffix: content_type for content_type, suffix in TYPES.items()}


def logo_dir() -> Path:
    return uploads.upload_dir() / "directory-logos"


def detect_image(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    content_type = uploads.detect_type(data)
    return content_type if content_type in TYPES else None


def check_logo(uploaded) -> tuple[bytes, str]:
    """The bytes and type of an uploaded logo; ValidationError with a French message otherwise."""
    if uploaded.size is not None and uploaded.size > MAX_LOGO_BYTES:
        raise ValidationError(_("Le logo dépasse la taille maximale de 1 Mo."))
    data = uploaded.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("Le logo dépasse la taille maximale de 1 Mo."))
    if not data:
        raise ValidationError(_("Le fichier du logo est vide."))
    content_type = detect_image(data)
    if content_type is None:
        raise ValidationError(
            _("Type de fichier refusé pour le logo : seuls PNG, JPEG et WebP sont acceptés.")
        )
    return data, content_type


def store_logo(uploaded) -> str:
    """Checks and writes the logo; returns its stored name (kept in the actor's versions)."""
    data, content_type = check_logo(uploaded)
    directory = logo_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + TYPES[content_type]
    (directory / name).write_bytes(data)
    return name


def logo_path(name: str) -> Path | None:
    """The file of a stored logo name, or None for a name that is not one of ours."""
    if not name or Path(name).name != name or Path(name).suffix not in BY_SUFFIX:
        return None
    path = logo_dir() / name
    return path if path.is_file() else None


def content_type_of(name: str) -> str:
    return BY_SUFFIX[Path(name).suffix]
