"""Reading an uploaded or fetched member list: type from the content (never the file name), size
cap, CSV encoding (UTF-8, UTF-8 with BOM, Windows-1252) and delimiter, or the first sheet of an
XLSX workbook, or a JSON document. Every refusal is a `FileRefused` with a French message saying
what to do; nothing is written before a file has been read whole.
"""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from essor.calls.uploads import MAX_UPLOAD_BYTES, read_upload, safe_name  # noqa: F401

MAX_ROWS = 20_000
DELIMITERS = ";,\t|"


class FileRefused(ValidationError):
    """The whole file is refused (nothing of it is imported)."""


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (line or row number in the file, cells)
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def detect_format(data: bytes) -> str:
    """ "xlsx", "json" or "csv" from the bytes; FileRefused for anything else (PDF, images, ODS,
    executables…)."""
    if not data:
        raise FileRefused(_("Le fichier est vide."))
    if _is_xlsx(data):
        return "xlsx"
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            _(
                "Ce fichier est une archive qui n'est pas un classeur XLSX : enregistrez la liste en CSV ou en XLSX."
            )
        )
    if b"\x00" in data[:65536]:
        raise FileRefused(
            _(
                "Ce fichier n'est ni un CSV ni un classeur XLSX (contenu binaire) : enregistrez la liste en CSV ou en XLSX."
            )
        )
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json"
    if head.startswith((b"%PDF", b"<?xml", b"<html", b"<!DOCTYPE", b"<!doctype")):
        raise FileRefused(
            _(
                "Ce fichier n'est ni un CSV ni un classeur XLSX : enregistrez la liste en CSV ou en XLSX."
            )
        )
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with BOM, UTF-8, then Windows-1252; FileRefused with the line
    of the first unreadable byte otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _undecodable(data[3:], error, "UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise _undecodable(data, error, "Windows-1252") from None


def _undecodable(data: bytes, error: UnicodeDecodeError, tried: str) -> FileRefused:
    line = data[: error.start].count(b"\n") + 1
    byte = data[error.start : error.start + 1].hex().upper()
    return FileRefused(
        _(
            "Encodage illisible : l'octet 0x%(byte)s de la ligne %(line)s n'est ni de l'UTF-8 ni "
            "du Windows-1252 (dernier essai : %(tried)s). Enregistrez le fichier en « CSV UTF-8 » "
            "depuis votre tableur et déposez-le à nouveau."
        )
        % {"byte": byte, "line": line, "tried": tried}
    )


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ";"


def _header(cells: list[str]) -> list[str]:
    """Column names, blank or repeated ones renamed « Colonne N »."""
    seen: set[str] = set()
    names = []
    for index, cell in enumerate(cells, start=1):
        name = (cell or "").strip() or _("Colonne %s") % index
        if name in seen:
            name = f"{name} ({index})"
        seen.add(name)
        names.append(name)
    return names


def _check_size(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise FileRefused(
            _("Le fichier compte plus de %(max)s lignes : découpez-le en plusieurs imports.")
            % {"max": MAX_ROWS}
        )


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise FileRefused(_("CSV illisible : %s") % error) from None
    lines = [(n, row) for n, row in lines if any(cell.strip() for cell in row)]
    if not lines:
        raise FileRefused(_("Le fichier ne contient aucune ligne."))
    columns = _header(lines[0][1])
    if len(columns) < 2 and len(lines) > 1:
        raise FileRefused(
            _(
                "Une seule colonne trouvée : le séparateur n'a pas été reconnu (attendu : point-"
                "virgule, virgule, tabulation ou barre verticale) ou ce n'est pas un CSV."
            )
        )
    rows = [(n, [c.strip() for c in row]) for n, row in lines[1:]]
    _check_size(rows)
    return Table(columns, rows, "csv", encoding=encoding, delimiter=delimiter)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # SIRET typed as a number by the spreadsheet
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("Classeur XLSX illisible : %s") % error) from None
    sheet = workbook.worksheets[0]
    lines = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if any(cells):
            lines.append((number, cells))
        if len(lines) > MAX_ROWS + 1:
            break
    workbook.close()
    if not lines:
        raise FileRefused(_("La première feuille du classeur est vide."))
    columns = _header(lines[0][1])
    width = len(columns)
    rows = [(n, (cells + [""] * width)[:width]) for n, cells in lines[1:]]
    _check_size(rows)
    notes = []
    if len(workbook.sheetnames) > 1:
        notes.append(_("Seule la première feuille (« %s ») est lue.") % workbook.sheetnames[0])
    return Table(columns, rows, "xlsx", notes=notes)


def read_json(data: bytes):
    text, _encoding = decode(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRefused(
            _("JSON illisible (ligne %(line)s, colonne %(col)s) : %(msg)s")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from None


def read_table(data: bytes) -> Table:
    """The member list in `data` (CSV or XLSX, detected from the content)."""
    file_format = detect_format(data)
    if file_format == "xlsx":
        return read_xlsx(data)
    if file_format == "json":
        raise FileRefused(
            _("Ce fichier est du JSON : choisissez « Export GoGoCarto » pour l'importer.")
        )
    return read_csv(data)


def storage_dir():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.VAR_DIR) / "uploads" / "directory-imports"


def store(data: bytes, file_format: str) -> str:
    """Writes `data` outside the web root under a random name; returns that name."""
    import secrets

    directory = storage_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(20)}.{file_format}"
    (directory / name).write_bytes(data)
    return name


def load(stored_name: str) -> bytes:
    path = (storage_dir() / stored_name).resolve()
    if path.parent != storage_dir().resolve():
        raise FileRefused(_("Nom de fichier invalide."))
    try:
        return path.read_bytes()
    except OSError:
        raise FileRefused(
            _("Le fichier déposé n'est plus disponible : déposez-le à nouveau.")
        ) from None


def discard(stored_name: str) -> None:
    """Removes a stored upload once its batch is confirmed or abandoned (the member list may
    hold personal data; the batch keeps its name, checksum and preview)."""
    if not stored_name:
        return
    path = (storage_dir() / stored_name).resolve()
    if path.parent == storage_dir().resolve():
        path.unlink(missing_ok=True)
