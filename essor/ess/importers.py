"""Importers of the external lists: ESS France / ESUS SIREN lists and ASP-format SIAE lists.

Each import reads the whole file first, counts rejected rows by reason, refuses a file without
the key column or without any valid row, then replaces the list of that kind in one transaction
and records a `ListImport` (source, sha256, counts). A refused or failed import leaves the
previous list untouched.
"""

import csv
import hashlib
import io
import re
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from essor.ess.enums import ListKind, SiaeKind
from essor.ess.models import ListEntry, ListImport, SiaeEntry
from essor.lib.identifiers import is_valid_siren, is_valid_siret, normalise_siren

SIAE_LIST_KIND = "siae"
LIST_REJECT_REASONS = ("empty", "invalid_siren", "duplicate")
SIAE_REJECT_REASONS = ("empty", "invalid_siret", "unknown_kind", "duplicate")
NAME_COLUMNS = ("nom", "name", "denomination", "denominationunitelegale", "raison sociale",
                "raison_sociale", "nom_entreprise")  # fmt: skip
_URL = re.compile(r"^(https?|file)://", re.IGNORECASE)
_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
_EXAMPLES = 5


class ListFileError(Exception):
    """The file cannot be imported; the message (French) names the file and the problem."""


@dataclass
class ImportReport:
    kind: str
    source: str
    sha256: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows_read: int = 0
    rows_kept: int = 0
    rejected: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    read_by_kind: Counter = field(default_factory=Counter)
    kept_by_kind: Counter = field(default_factory=Counter)
    list_import: ListImport | None = None

    def reject(self, reason: str, line: int, value: str) -> None:
        self.rejected[reason] += 1
        if len(self.examples) < _EXAMPLES:
            self.examples.append(f"ligne {line} : {reason} « {value} »")

    def summary_lines(self, reasons: tuple[str, ...]) -> list[str]:
        """key=value lines for the console (les-emplois style)."""
        lines = [
            f"list={self.kind} source={self.source} sha256={self.sha256} "
            f"encoding={self.encoding} delimiter={self.delimiter!r}",
        ]
        if self.encoding == "latin-1":
            lines.append(
                "encoding=latin-1 : le fichier n'est pas en UTF-8, il a été lu en latin-1 ; "
                "vérifiez les accents des noms"
            )
        counts = " ".join(f"rejected_{reason}={self.rejected[reason]}" for reason in reasons)
        lines.append(
            f"read={self.rows_read} kept={self.rows_kept} "
            f"rejected={sum(self.rejected.values())} {counts}"
        )
        for kind in sorted(self.read_by_kind):
            lines.append(
                f"kind={kind} read={self.read_by_kind[kind]} kept={self.kept_by_kind[kind]}"
            )
        lines.extend(f"rejet {example}" for example in self.examples)
        return lines


def fetch(source: str) -> bytes:
    """Bytes of a local path or of an http(s):// or file:// URL."""
    try:
        if _URL.match(source):
            with urllib.request.urlopen(source, timeout=120) as response:  # noqa: S310
                return response.read()
        return Path(source).read_bytes()
    except OSError as error:
        raise ListFileError(
            _("%(source)s : lecture impossible (%(error)s)") % {"source": source, "error": error}
        ) from error


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else latin-1 (reported to the user)."""
    if b"\x00" in data[:4096]:
        raise ListFileError(
            _(
                "%(source)s : encodage illisible (octets nuls : UTF-16 ou fichier binaire ?) ; "
                "attendu un CSV en UTF-8 ou latin-1"
            )
            % {"source": source}
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_rows(data: bytes, source: str, report: ImportReport) -> tuple[list[str], csv.DictReader]:
    """Header (as found) and a DictReader over the text; records encoding and delimiter."""
    text, report.encoding = decode(data, source)
    first_line = text.split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    report.delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=report.delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = [name.lower() for name in header]
    return header, reader


def find_column(header: list[str], wanted: tuple[str, ...], source: str, required: bool) -> str:
    lowered = [name.lower() for name in header]
    for name in wanted:
        if name in lowered:
            return name
    if required:
        found = ", ".join(header) if header else _("aucune")
        raise ListFileError(
            _("%(source)s : colonne %(column)s introuvable ; colonnes trouvées : %(found)s")
            % {"source": source, "column": wanted[0].upper(), "found": found}
        )
    return ""


def _start(kind: str, source: str) -> tuple[bytes, ImportReport]:
    data = fetch(source)
    report = ImportReport(kind=kind, source=source, sha256=hashlib.sha256(data).hexdigest())
    return data, report


def _refuse_if_empty(report: ImportReport, what: str) -> None:
    if report.rows_kept == 0:
        raise ListFileError(
            _(
                "%(source)s : aucun %(what)s valide sur %(rows)s lignes ; "
                "la liste actuelle est conservée"
            )
            % {"source": report.source, "what": what, "rows": report.rows_read}
        )


def _record(report: ImportReport) -> ListImport:
    ListImport.objects.filter(kind=report.kind, is_current=True).update(is_current=False)
    return ListImport.objects.create(
        kind=report.kind,
        source=report.source[:500],
        sha256=report.sha256,
        rows_read=report.rows_read,
        rows_kept=report.rows_kept,
        rejected=dict(report.rejected),
        is_current=True,
    )


def import_ess_list(kind: str, source: str, *, dry_run: bool = False) -> ImportReport:
    """Replace the SIREN list `kind` (ListKind) with the rows of `source` (path or URL)."""
    if kind not in ListKind.values:
        raise ListFileError(
            _("liste inconnue « %(kind)s » ; attendu : %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(ListKind.values)}
        )
    data, report = _start(kind, source)
    header, reader = read_rows(data, source, report)
    siren_column = find_column(header, ("siren",), source, required=True)
    name_column = find_column(header, NAME_COLUMNS, source, required=False)
    entries: dict[str, str] = {}
    for row in reader:
        report.rows_read += 1
        raw = (row.get(siren_column) or "").strip()
        siren = normalise_siren(raw)
        if not raw:
            report.reject("empty", reader.line_num, raw)
        elif not is_valid_siren(siren):
            report.reject("invalid_siren", reader.line_num, raw)
        elif siren in entries:
            report.reject("duplicate", reader.line_num, raw)
        else:
            entries[siren] = (row.get(name_column) or "").strip()[:300] if name_column else ""
    report.rows_kept = len(entries)
    _refuse_if_empty(report, "SIREN")
    if dry_run:
        return report
    with transaction.atomic():
        report.list_import = _record(report)
        ListEntry.objects.filter(kind=kind).delete()
        ListEntry.objects.bulk_create(
            [
                ListEntry(kind=kind, siren=siren, name=name, list_import=report.list_import)
                for siren, name in entries.items()
            ],
            batch_size=2000,
        )
    return report


def _naf(value: str) -> str:
    match = _NAF.match(value.strip().upper())
    return f"{match[1]}.{match[2]}{match[3]}" if match else ""


def _siae_entry(row: dict, siret: str, kind: str) -> SiaeEntry:
    def get(*names: str) -> str:
        for name in names:
            value = (row.get(name) or "").strip()
            if value:
                return value
        return ""

    return SiaeEntry(
        siret=siret,
        siren=siret[:9],
        kind=kind,
        name=get("denomination_sociale", "nom", "denomination")[:300],
        commune_name=get("lib_com", "commune")[:200],
        postal_code=get("code_post_com", "code_postal")[:5],
        naf=_naf(get("code_naf2", "naf")),
        legal_form=get("nature_juridique")[:200],
    )


def import_siae_list(source: str, *, dry_run: bool = False) -> ImportReport:
    """Replace the SIAE list with an ASP-format file (`;`, MESURE, SIRET, DENOMINATION_SOCIALE…).

    A SIRET may hold conventions of several kinds (kept, one row each); the same SIRET and kind
    twice (a convention listed in two départements) is a duplicate.
    """
    data, report = _start(SIAE_LIST_KIND, source)
    header, reader = read_rows(data, source, report)
    siret_column = find_column(header, ("siret",), source, required=True)
    kind_column = find_column(header, ("mesure",), source, required=True)
    entries: dict[tuple[str, str], SiaeEntry] = {}
    for row in reader:
        report.rows_read += 1
        raw = (row.get(siret_column) or "").strip()
        kind = (row.get(kind_column) or "").strip().upper()
        report.read_by_kind[kind or "?"] += 1
        digits = re.sub(r"\D", "", raw)
        siret = digits.zfill(14) if 0 < len(digits) < 14 else digits
        if not raw:
            report.reject("empty", reader.line_num, raw)
        elif not is_valid_siret(siret):
            report.reject("invalid_siret", reader.line_num, raw)
        elif kind not in SiaeKind.values:
            report.reject("unknown_kind", reader.line_num, kind)
        elif (siret, kind) in entries:
            report.reject("duplicate", reader.line_num, f"{raw} {kind}")
        else:
            entries[(siret, kind)] = _siae_entry(row, siret, kind)
            report.kept_by_kind[kind] += 1
    report.rows_kept = len(entries)
    _refuse_if_empty(report, "SIRET")
    if dry_run:
        return report
    with transaction.atomic():
        report.list_import = _record(report)
        SiaeEntry.objects.all().delete()
        for entry in entries.values():
            entry.list_import = report.list_import
        SiaeEntry.objects.bulk_create(entries.values(), batch_size=2000)
    return report
