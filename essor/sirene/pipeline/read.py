"""Header checks and the single DuckDB pass over each stock file.

Every file is parsed once: `CREATE TABLE … AS SELECT <declared columns> FROM read_csv(…)`, with
explicit VARCHAR columns (no sniffing), strictly first (INSEE's files are well formed: the fast
path); only when that read fails is it done again with DuckDB's `store_rejects`, so that a
malformed line becomes a rejected row and an encoding error names its line and column.
"""

import difflib
import gzip
import zlib
from dataclasses import dataclass

import duckdb

from essor.sirene.pipeline.errors import FileError
from essor.sirene.pipeline.fetch import Source
from essor.sirene.pipeline.sources import (
    ETAB,
    ETAB_ONLY_MARKERS,
    KNOWN_COLUMNS,
    SPECS,
    UL,
    UL_ONLY_MARKERS,
)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _first_line(source: Source) -> bytes:
    opener = gzip.open if source.format == "csv.gz" else open
    try:
        with opener(source.path, "rb") as handle:
            return handle.readline()
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError) as exc:
        raise FileError(source.original, f"fichier gzip tronqué ou corrompu ({exc})") from exc


def read_header(con: duckdb.DuckDBPyConnection, source: Source) -> list[str]:
    if source.format == "parquet":
        path = quote_literal(str(source.path))
        return [
            row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
        ]
    raw = _first_line(source)
    if not raw.strip():
        raise FileError(source.original, "fichier vide (pas d'en-tête)", line=1)
    try:
        text = raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise FileError(
            source.original, f"encodage invalide, UTF-8 attendu (octet {exc.start + 1})", line=1
        ) from exc
    if ";" in text and "," not in text:
        raise FileError(source.original, "séparateur « ; » trouvé, « , » attendu", line=1)
    return [name.strip().strip('"') for name in text.split(",")]


def check_header(source: Source, header: list[str]) -> list[str]:
    """Stops on a wrong kind of file or a missing column; returns the columns to read."""
    spec = SPECS[source.role]
    names = set(header)
    if source.role == UL and any(marker in names for marker in ETAB_ONLY_MARKERS):
        raise FileError(
            source.original,
            "c'est un fichier d'établissements (colonne siret), un fichier d'unités légales "
            "est attendu pour --unites-legales",
            line=1,
        )
    if source.role == ETAB and "siret" not in names and any(m in names for m in UL_ONLY_MARKERS):
        raise FileError(
            source.original,
            "c'est un fichier d'unités légales, un fichier d'établissements est attendu "
            "pour --etablissements",
            line=1,
        )
    for column in spec.required:
        if column not in names:
            # Prefer a name that is not a known Sirene column: the likely renamed one.
            unknown = [name for name in header if name not in KNOWN_COLUMNS]
            close = difflib.get_close_matches(column, unknown, n=1, cutoff=0.5)
            close = close or difflib.get_close_matches(column, header, n=1, cutoff=0.5)
            hint = f" ; en-tête le plus proche trouvé : « {close[0]} »" if close else ""
            raise FileError(
                source.original,
                f"colonne « {column} » absente de l'en-tête ({spec.label}){hint}",
                line=1,
                column=column,
            )
    return spec.selected(header)


def from_clause(source: Source, header: list[str], rejects_prefix: str | None) -> str:
    """The DuckDB table function that reads the file, every column as VARCHAR. With a
    `rejects_prefix`, malformed lines are skipped and listed (`store_rejects`); without, the
    read is strict (the first malformed line stops it) and about 20 % faster."""
    path = quote_literal(str(source.path))
    if source.format == "parquet":
        return f"read_parquet({path})"
    columns = ", ".join(f"{quote_literal(name)}: 'VARCHAR'" for name in header)
    rejects = (
        f", store_rejects = true, rejects_table = '{rejects_prefix}_errors', "
        f"rejects_scan = '{rejects_prefix}_scans'"
        if rejects_prefix
        else ""
    )
    return (
        f"read_csv({path}, header = true, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, auto_detect = false{rejects})"
    )


@dataclass
class ParseReject:
    line: int
    column: str
    kind: str
    value: str


def _gzip_break(source: Source) -> int | None:
    """None when the gzip stream is complete, else the line where it breaks off."""
    lines = 0
    try:
        with gzip.open(source.path, "rb") as handle:
            while block := handle.read(16 * 1024 * 1024):
                lines += block.count(b"\n")
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError):
        return lines + 1
    return None


def parse_rejects(
    con: duckdb.DuckDBPyConnection, source: Source, rejects_prefix: str | None
) -> list[ParseReject]:
    """Lines DuckDB could not parse (none after a strict read: `rejects_prefix` None).
    Encoding errors and truncated archives stop the import."""
    if source.format == "parquet" or rejects_prefix is None:
        return []
    rows = con.execute(
        f"SELECT line, column_name, error_type, csv_line FROM {rejects_prefix}_errors "
        "ORDER BY line, column_idx"
    ).fetchall()
    if not rows:
        return []
    if source.format == "csv.gz" and (broken := _gzip_break(source)) is not None:
        raise FileError(source.original, "fichier gzip tronqué ou corrompu", line=broken)
    for line, column, kind, _ in rows:
        if kind == "INVALID ENCODING":
            raise FileError(
                source.original, "encodage invalide, UTF-8 attendu", line=line, column=column
            )
    seen: dict[int, ParseReject] = {}
    for line, column, kind, csv_line in rows:
        seen.setdefault(line, ParseReject(line, column or "", kind, (csv_line or "")[:200]))
    return list(seen.values())


def translate_duckdb_error(source: Source, exc: Exception) -> FileError:
    """A DuckDB read error as a French message naming the file (and line when DuckDB gives it)."""
    text = str(exc)
    line = None
    marker = "Line: "
    if marker in text:
        digits = text.split(marker, 1)[1].split()[0].strip(".,")
        line = int(digits) if digits.isdigit() else None
    if source.format == "csv.gz" and (broken := _gzip_break(source)) is not None:
        return FileError(source.original, "fichier gzip tronqué ou corrompu", line=broken)
    if "unicode" in text.lower() or "utf" in text.lower():
        return FileError(source.original, "encodage invalide, UTF-8 attendu", line=line)
    first = text.splitlines()[0] if text else type(exc).__name__
    return FileError(source.original, f"lecture impossible ({first})", line=line)
