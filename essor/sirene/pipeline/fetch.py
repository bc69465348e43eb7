"""Turns a path or URL into a local file DuckDB can read: download, checksum, unzip."""

import hashlib
import shutil
import urllib.error
import urllib.request
import zipfile
import zlib
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from essor.sirene.pipeline.errors import FileError

CHUNK = 4 * 1024 * 1024


@dataclass
class Source:
    role: str
    original: str  # path or URL as given
    path: Path  # local file to read (the extracted CSV for a zip)
    size: int
    checksum: str | Future  # sha256, or its computation still running
    format: str  # csv, csv.gz, zip, parquet
    temporary: list[Path] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        """Waits for the checksum when it is computed in the background."""
        return self.checksum if isinstance(self.checksum, str) else self.checksum.result()

    def manifest(self) -> dict:
        return {**self.manifest_without_checksum(), "sha256": self.sha256}

    def manifest_without_checksum(self) -> dict:
        return {"role": self.role, "path": self.original, "size": self.size, "format": self.format}

    def cleanup(self) -> None:
        for path in self.temporary:
            path.unlink(missing_ok=True)


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _download(url: str, work_dir: Path, role: str) -> tuple[Path, int, str]:
    name = url.rstrip("/").rsplit("/", 1)[-1] or f"{role}.csv"
    target = work_dir / f"download-{role}-{name}"
    digest, size = hashlib.sha256(), 0
    with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
        while chunk := response.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return target, size, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        return "zip"
    if magic.startswith(b"\x1f\x8b"):
        return "csv.gz"
    if magic == b"PAR1":
        return "parquet"
    return "csv"


def _extract_zip(path: Path, work_dir: Path, role: str) -> Path:
    """DuckDB cannot read inside a zip: copy its single CSV member to a temporary file."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                names = ", ".join(m.filename for m in members) or "aucun"
                raise FileError(
                    path, f"l'archive doit contenir un seul fichier CSV (trouvé : {names})"
                )
            target = work_dir / f"unzip-{role}-{Path(members[0].filename).name}"
            with archive.open(members[0]) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise FileError(path, f"archive zip tronquée ou corrompue ({exc})") from exc
    return target


def open_source(value: str, role: str, work_dir: Path, hasher: Executor | None = None) -> Source:
    """Downloads (URL) or finds the file, computes size and sha256, extracts a zip. With a
    `hasher`, a local file's sha256 is computed there, while the caller goes on reading it."""
    work_dir.mkdir(parents=True, exist_ok=True)
    temporary: list[Path] = []
    if is_url(value):
        try:
            path, size, sha256 = _download(value, work_dir, role)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise FileError(value, f"téléchargement impossible ({exc})") from exc
        temporary.append(path)
    else:
        path = Path(value)
        if not path.is_file():
            raise FileError(value, "fichier introuvable")
        size = path.stat().st_size
        sha256 = hasher.submit(_sha256, path) if hasher is not None else _sha256(path)
    if size == 0:
        raise FileError(value, "fichier vide")
    fmt = detect_format(path)
    readable = path
    if fmt == "zip":
        readable = _extract_zip(path, work_dir, role)
        temporary.append(readable)
    return Source(role, value, readable, size, sha256, fmt, temporary)
