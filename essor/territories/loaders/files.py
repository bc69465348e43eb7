"""Opening source files given by path or URL: download to a temporary file, transparent gzip and
lzma, JSON and GeoJSON parsing with French error messages naming the file."""

import contextlib
import gzip
import json
import lzma
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from essor.territories.loaders.records import ReferentialError

COMPRESSED_SUFFIXES = (".gz", ".lzma", ".xz")


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


@contextlib.contextmanager
def local_path(location: str | Path) -> Iterator[Path]:
    """A local path for `location`: itself, or a temporary copy of a URL (removed afterwards)."""
    location = str(location)
    if not is_url(location):
        path = Path(location).expanduser()
        if not path.exists():
            raise ReferentialError(f"Fichier ou dossier introuvable : {path}")
        yield path
        return
    name = location.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "download"
    with tempfile.TemporaryDirectory(prefix="essor-territories-") as tmp:
        target = Path(tmp) / name
        fetch(location, target)
        yield target


@contextlib.contextmanager
def local_folder(location: str | Path, names: list[str]) -> Iterator[Path]:
    """A local folder holding the `names` found at `location`: the folder itself, the folder of
    a file, or a temporary folder where each name (plain or .gz) is fetched from a base URL
    (e.g. https://unpkg.com/@etalab/decoupage-administratif/data/); absent names are skipped."""
    location = str(location)
    if not is_url(location):
        with local_path(location) as path:
            yield path if path.is_dir() else path.parent
        return
    base = location if location.endswith("/") else location.rsplit("/", 1)[0] + "/"
    with tempfile.TemporaryDirectory(prefix="essor-territories-") as tmp:
        for name in names:
            for suffix in ("", ".gz"):
                if fetch(base + name + suffix, Path(tmp) / (name + suffix), missing_ok=True):
                    break
        yield Path(tmp)


def fetch(url: str, target: Path, *, missing_ok: bool = False) -> bool:
    """Downloads `url` to `target`; False when absent (HTTP 404) and `missing_ok`."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        target.unlink(missing_ok=True)
        if missing_ok and exc.code == 404:
            return False
        raise ReferentialError(f"Téléchargement impossible de {url} : {exc}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ReferentialError(f"Téléchargement impossible de {url} : {exc}") from exc
    return True


def open_binary(path: Path) -> BinaryIO:
    """Opens a file, decompressing .gz / .lzma / .xz on the fly."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    if path.suffix in (".lzma", ".xz"):
        return lzma.open(path, "rb")
    return path.open("rb")


def find_file(directory: Path, stem: str) -> Path | None:
    """`stem` (e.g. "communes.json") inside `directory`, plain or compressed; None when absent."""
    for suffix in ("", *COMPRESSED_SUFFIXES):
        candidate = directory / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def read_json(path: Path, expected: str) -> Any:
    """Parsed JSON of `path`; `expected` describes the content for the error message."""
    try:
        with open_binary(path) as fh:
            return json.load(fh)
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferentialError(
            f"Fichier illisible : {path} ({exc}). Attendu : {expected}."
        ) from exc


def read_json_list(path: Path, expected: str, required: set[str]) -> list[dict]:
    """A JSON array of objects, each with the `required` keys."""
    data = read_json(path, expected)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ReferentialError(f"Format inattendu dans {path} : attendu {expected}.")
    for position, item in enumerate(data):
        missing = required - set(item)
        if missing:
            raise ReferentialError(
                f"Format inattendu dans {path}, élément n° {position + 1} : "
                f"champ(s) manquant(s) {', '.join(sorted(missing))}. Attendu : {expected}."
            )
    return data


def read_features(path: Path) -> list[dict]:
    """The features of a GeoJSON FeatureCollection."""
    expected = "une FeatureCollection GeoJSON (WGS84)"
    data = read_json(path, expected)
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ReferentialError(f"Format inattendu dans {path} : attendu {expected}.")
    return data["features"]
