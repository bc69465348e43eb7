"""Data exports of a territory portrait: one Table, or every table of the Portrait, as CSV, XLSX,
Parquet or JSON. The download views, the API and `essor indicators export` all go through here, so
a file, an API answer and a page can only show the same numbers.

Choices (also written in every file's « Sources et méthode »):
- CSV: UTF-8, comma separator, `.` decimal point, a header row of column keys (stable, for
  scripts); `labels=True` writes the French column labels instead. `sep=";"` is the variant for
  French spreadsheet software: `;` separator, decimal comma and a UTF-8 byte order mark (so that
  Excel reads the accents right).
- Counts are integers; estimates (salariés estimés) and shares are unrounded floats; shares are
  fractions (0.125 = 12,5 %). An empty cell (None, JSON null) means « not computable here », never 0.
- XLSX: one sheet per table (sheet name = table slug), bold header, numbers stored as numbers,
  shares shown as percentages, and a « Sources et méthode » sheet.
- Parquet: typed columns (int64, float64, string), source and method in the file metadata.
- JSON: the same object the API answers (`essor.observatory.api`).
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from essor.ess.enums import Perimeter
from essor.observatory.portrait import Column, Portrait, Table
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}
ZIP_CONTENT_TYPE = "application/zip"
SEPARATORS = (",", ";")
HEADLINE_SLUG = "chiffres_cles"
SOURCES_SHEET = "Sources et méthode"

GENERAL_METHOD = [
    "Source : stocks Sirene de l'Insee (unités légales et établissements), importés par essor.",
    "Périmètre « statistique » : les quatre familles de l'économie sociale (associations, "
    "coopératives, mutuelles, fondations) ; « loi 2014 » : y ajoute les sociétés commerciales "
    "de l'ESS (loi n° 2014-856, art. 1er).",
    "Établissements comptés : état administratif actif (A) à la date des données.",
    "Établissement employeur : caractère employeur O, ou tranche d'effectif autre que NN ou vide.",
    "Salariés estimés : somme des milieux des tranches d'effectif des établissements (tranche 53 "
    "« 10 000 et plus » comptée 10 000) ; une estimation, dont l'année de référence est celle des "
    "tranches. Les estimations sont exportées non arrondies (nombres décimaux) ; les pages les "
    "arrondissent à l'affichage.",
    "Parts : fractions entre 0 et 1 (0,125 = 12,5 %). Une cellule vide signifie « non calculable "
    "pour ce territoire » (par exemple la part de l'ESS d'un QPV), jamais zéro.",
    "CSV : UTF-8, séparateur virgule et point décimal ; variante « ; » (sep=;) avec virgule "
    "décimale et marque d'ordre des octets pour les tableurs en français. XLSX : nombres "
    "décimaux gardés à 15 chiffres significatifs, la précision d'Excel ; CSV, Parquet et JSON "
    "les gardent entiers.",
]


class ColumnError(ValueError):
    """Unknown columns were asked for; the message lists the valid ones (in French)."""

    def __init__(self, table: Table, unknown: list[str]):
        self.unknown = unknown
        self.valid = table.column_keys()
        names = ", ".join(unknown)
        super().__init__(
            f"Colonne{'s' if len(unknown) > 1 else ''} inconnue{'s' if len(unknown) > 1 else ''} "
            f"dans le tableau « {table.slug} » : {names}. "
            f"Colonnes possibles : {', '.join(self.valid)}."
        )


class FormatError(ValueError):
    pass


def parse_columns(value: str | None) -> list[str] | None:
    """`a,b,c` → ["a", "b", "c"]; empty or None → None (every column)."""
    if not value:
        return None
    keys = [key.strip() for key in value.split(",") if key.strip()]
    return keys or None


def select_columns(table: Table, keys: list[str] | None) -> list[Column]:
    """The columns asked for, in the order asked (duplicates dropped); all when keys is None."""
    if not keys:
        return list(table.columns)
    by_key = {c.key: c for c in table.columns}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise ColumnError(table, unknown)
    return [by_key[key] for key in dict.fromkeys(keys)]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise FormatError(f"Format inconnu « {fmt} » : formats possibles {', '.join(FORMATS)}.")
    return fmt


# --- The headline as a table (so that every format carries the key figures) -------------------

HEADLINE_ROWS = [
    ("etablissements", "Établissements ESS actifs", "establishments"),
    ("etablissements_employeurs", "Établissements ESS employeurs", "employer_establishments"),
    ("salaries_estimes", "Salariés estimés (estimation)", "estimated_employees"),
    ("sans_tranche", "Établissements ESS actifs sans tranche d'effectif", "without_band"),
    ("part_sans_tranche", "Part des établissements ESS sans tranche", "without_band_share"),
    ("tous_etablissements", "Tous établissements actifs", "all_establishments"),
    (
        "tous_etablissements_employeurs",
        "Tous établissements employeurs",
        "all_employer_establishments",
    ),
    ("tous_salaries_estimes", "Tous salariés estimés (estimation)", "all_estimated_employees"),
    ("part_etablissements", "Part de l'ESS dans les établissements", "share_establishments"),
    ("part_employeurs", "Part de l'ESS dans les employeurs", "share_employers"),
    ("part_emploi", "Part de l'ESS dans l'emploi estimé", "share_employment"),
    ("population", "Population municipale", "population"),
    ("densite_10000_habitants", "Établissements ESS pour 10 000 habitants", "density_per_10k"),
    ("qpv_dedans", "Établissements ESS dans un QPV", "qpv_inside"),
    ("qpv_300m", "Établissements ESS à moins de 300 m d'un QPV", "qpv_near"),
]


def headline_table(portrait: Portrait) -> Table:
    """The key figures as a two-column table (`chiffres_cles`), for CSV, XLSX and Parquet."""
    headline = portrait.headline
    rows = [
        {"indicateur": key, "libelle": label, "valeur": _number(getattr(headline, attr))}
        for key, label, attr in HEADLINE_ROWS
    ]
    for year, count in headline.reference_years.items():
        rows.append(
            {
                "indicateur": f"annee_reference_{year or 'inconnue'}",
                "libelle": f"Établissements ESS dont la tranche date de {year}"
                if year
                else "Établissements ESS dont la tranche n'a pas d'année",
                "valeur": count,
            }
        )
    return Table(
        slug=HEADLINE_SLUG,
        title="Chiffres clés",
        columns=[
            Column("indicateur", "Indicateur", "text"),
            Column("libelle", "Libellé", "text"),
            Column("valeur", "Valeur", "float"),
        ],
        rows=rows,
        method="Valeurs en nombres décimaux : comptes exacts, estimations non arrondies, parts "
        "en fractions ; vide = non calculable pour ce territoire.",
    )


def _number(value) -> int | float | None:
    """Counts stay ints (CSV `4`, not `4.0`); Parquet stores the column as float64."""
    return value


def all_tables(portrait: Portrait) -> list[Table]:
    """The headline table then every table of the portrait, in page order."""
    return [headline_table(portrait), *portrait.tables.values()]


def find_table(portrait: Portrait, slug: str) -> Table | None:
    if slug == HEADLINE_SLUG:
        return headline_table(portrait)
    return portrait.tables.get(slug)


# --- Sources and method -----------------------------------------------------------------------


def source_info(portrait: Portrait) -> dict:
    """Import number, data date and source files (names only: server paths stay private)."""
    run = portrait.run
    files = []
    for source in getattr(run, "sources", None) or []:
        path = str(source.get("path", ""))
        files.append(
            {
                "role": source.get("role", ""),
                "name": source.get("name") or path.replace("\\", "/").rsplit("/", 1)[-1],
                "format": source.get("format", ""),
                "sha256": source.get("sha256", ""),
            }
        )
    data_date = getattr(run, "data_date", None)
    return {
        "import_run": getattr(run, "pk", None),
        "data_date": data_date.isoformat() if data_date else None,
        "synthetic": bool(getattr(run, "is_synthetic", False)),
        "files": files,
    }


def perimeter_label(perimeter: str) -> str:
    try:
        return str(Perimeter(perimeter).label)
    except ValueError:
        return perimeter


def method_lines(portrait: Portrait, tables: list[Table]) -> list[tuple[str, str]]:
    """(label, value) lines of the « Sources et méthode » sheet and of the Parquet metadata."""
    territory = portrait.territory
    source = source_info(portrait)
    lines = [
        ("Territoire", f"{territory.name} ({territory.kind} {territory.code})"),
        ("Type de territoire", territory.kind),
        ("Code", territory.code),
        ("Périmètre ESS", f"{perimeter_label(portrait.perimeter)} ({portrait.perimeter})"),
        ("Import Sirene n°", str(source["import_run"] or "")),
        ("Date des données", source["data_date"] or "inconnue"),
    ]
    if source["synthetic"]:
        lines.append(
            ("Attention", "Données synthétiques (démonstration), pas des données réelles.")
        )
    for file in source["files"]:
        detail = f"{file['name']} ({file['format']}, sha256 {file['sha256']})"
        lines.append((f"Fichier source {file['role']}".strip(), detail))
    lines += [("Méthode", text) for text in GENERAL_METHOD]
    for table in tables:
        if table.method:
            lines.append((f"Tableau « {table.slug} »", f"{table.title} — {table.method}"))
        else:
            lines.append((f"Tableau « {table.slug} »", table.title))
    return lines


# --- JSON ---------------------------------------------------------------------------------------


def table_dict(table: Table, columns: list[Column] | None = None) -> dict:
    columns = columns or table.columns
    keys = [c.key for c in columns]
    return {
        "slug": table.slug,
        "title": table.title,
        "method": table.method,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in columns],
        "rows": [{key: row.get(key) for key in keys} for row in table.rows],
    }


def headline_dict(portrait: Portrait) -> dict:
    h = portrait.headline
    return {
        "establishments": h.establishments,
        "employer_establishments": h.employer_establishments,
        "estimated_employees": h.estimated_employees,
        "without_band": h.without_band,
        "without_band_share": h.without_band_share,
        "reference_years": [
            {"year": year, "establishments": count} for year, count in h.reference_years.items()
        ],
        "all_establishments": h.all_establishments,
        "all_employer_establishments": h.all_employer_establishments,
        "all_estimated_employees": h.all_estimated_employees,
        "share_establishments": h.share_establishments,
        "share_employers": h.share_employers,
        "share_employment": h.share_employment,
        "population": h.population,
        "density_per_10k": h.density_per_10k,
        "qpv_inside": h.qpv_inside,
        "qpv_near": h.qpv_near,
    }


def territory_dict(portrait: Portrait) -> dict:
    t = portrait.territory
    return {"kind": str(t.kind), "code": t.code, "name": t.name}


def portrait_dict(portrait: Portrait) -> dict:
    """The whole portrait as one JSON object: what the API answers and the JSON export holds."""
    return {
        "territory": territory_dict(portrait),
        "perimeter": portrait.perimeter,
        "perimeter_label": perimeter_label(portrait.perimeter),
        "source": source_info(portrait),
        "headline": headline_dict(portrait),
        "tables": {slug: table_dict(table) for slug, table in portrait.tables.items()},
    }


def one_table_dict(portrait: Portrait, table: Table, columns: list[Column] | None = None) -> dict:
    return {
        "territory": territory_dict(portrait),
        "perimeter": portrait.perimeter,
        "perimeter_label": perimeter_label(portrait.perimeter),
        "source": source_info(portrait),
        "table": table_dict(table, columns),
    }


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


# --- CSV ----------------------------------------------------------------------------------------


def table_csv(
    table: Table, columns: list[Column] | None = None, sep: str = ",", labels: bool = False
) -> bytes:
    if sep not in SEPARATORS:
        raise FormatError("Séparateur CSV possible : « , » ou « ; ».")
    columns = columns or table.columns
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow([c.label if labels else c.key for c in columns])
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(c.key), sep) for c in columns])
    text = out.getvalue()
    return ("\ufeff" + text).encode() if sep == ";" else text.encode()


def _csv_cell(value, sep: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if sep == ";" else text
    return str(value)


# --- XLSX ---------------------------------------------------------------------------------------


def workbook(portrait: Portrait, selected: list[tuple[Table, list[Column]]]) -> bytes:
    """One sheet per table, then « Sources et méthode »."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table, columns in selected:
        sheet = book.create_sheet(table.slug[:31])
        sheet.append([c.label for c in columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([row.get(c.key) for c in columns])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # a text starting with "=" stays text, never a formula
                    cell.data_type = "s"
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            if column.kind == "share":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "0.0%"
            width = max(
                [len(column.label)] + [len(str(r.get(column.key) or "")) for r in table.rows]
            )
            sheet.column_dimensions[letter].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = "A2"
    notes = book.create_sheet(SOURCES_SHEET)
    notes.append(["Rubrique", "Valeur"])
    for cell in notes[1]:
        cell.font = bold
    notes.append(["Colonnes", "Une ligne d'en-tête par feuille : libellés des colonnes."])
    for table, columns in selected:
        notes.append([f"Colonnes de « {table.slug} »", ", ".join(c.key for c in columns)])
    for label, value in method_lines(portrait, [t for t, _ in selected]):
        notes.append([label, value])
    notes.column_dimensions["A"].width = 32
    notes.column_dimensions["B"].width = 110
    for (cell,) in notes.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Parquet ------------------------------------------------------------------------------------

_ARROW_TYPES = {"text": "string", "int": "int64", "year": "int64", "float": "float64"}


def table_parquet(portrait: Portrait, table: Table, columns: list[Column] | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = columns or table.columns
    fields, arrays = [], []
    for column in columns:
        arrow_type = getattr(pa, _ARROW_TYPES.get(column.kind, "float64"))()
        values = [row.get(column.key) for row in table.rows]
        if column.kind in ("float", "share"):
            values = [None if v is None else float(v) for v in values]
        elif column.kind == "text":
            values = [None if v is None else str(v) for v in values]
        field = pa.field(
            column.key, arrow_type, metadata={"label": column.label, "kind": column.kind}
        )
        fields.append(field)
        arrays.append(pa.array(values, type=arrow_type))
    metadata = {
        "essor.table": table.slug,
        "essor.title": table.title,
        "essor.method": table.method,
        "essor.source": json.dumps(source_info(portrait), ensure_ascii=False),
        "essor.territory": json.dumps(territory_dict(portrait), ensure_ascii=False),
        "essor.perimeter": portrait.perimeter,
        "essor.sources_et_methode": json.dumps(method_lines(portrait, [table]), ensure_ascii=False),
    }
    schema = pa.schema(fields, metadata=metadata)
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), out)
    return out.getvalue()


# --- Entry points -------------------------------------------------------------------------------


@dataclass
class Export:
    content: bytes
    content_type: str
    filename: str


def filename(portrait: Portrait, slug: str, ext: str) -> str:
    t = portrait.territory
    return f"essor_{t.kind}_{t.code}_{slug}_{portrait.perimeter}.{ext}"


def export_table(
    portrait: Portrait,
    table: Table,
    fmt: str,
    columns: list[str] | None = None,
    sep: str = ",",
    labels: bool = False,
) -> Export:
    """One table. Raises FormatError (bad format or separator) or ColumnError."""
    check_format(fmt)
    chosen = select_columns(table, columns)
    if fmt == "csv":
        content = table_csv(table, chosen, sep=sep, labels=labels)
    elif fmt == "xlsx":
        content = workbook(portrait, [(table, chosen)])
    elif fmt == "parquet":
        content = table_parquet(portrait, table, chosen)
    else:
        content = to_json(one_table_dict(portrait, table, chosen))
    return Export(content, FORMATS[fmt], filename(portrait, table.slug, fmt))


def export_portrait(portrait: Portrait, fmt: str, sep: str = ",", labels: bool = False) -> Export:
    """Every table: XLSX one workbook, JSON one object, CSV and Parquet a zip of one file per
    table (with the key figures as `chiffres_cles` and a `sources_et_methode.txt`)."""
    check_format(fmt)
    tables = all_tables(portrait)
    if fmt == "xlsx":
        content = workbook(portrait, [(t, t.columns) for t in tables])
        return Export(content, FORMATS[fmt], filename(portrait, "portrait", "xlsx"))
    if fmt == "json":
        return Export(
            to_json(portrait_dict(portrait)), FORMATS[fmt], filename(portrait, "portrait", "json")
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            if fmt == "csv":
                data = table_csv(table, sep=sep, labels=labels)
            else:
                data = table_parquet(portrait, table)
            archive.writestr(filename(portrait, table.slug, fmt), data)
        notes = "\n".join(f"{label} : {value}" for label, value in method_lines(portrait, tables))
        archive.writestr("sources_et_methode.txt", notes + "\n")
    return Export(buffer.getvalue(), ZIP_CONTENT_TYPE, filename(portrait, "portrait", f"{fmt}.zip"))


# --- Loading ------------------------------------------------------------------------------------


class PerimeterError(ValueError):
    def __init__(self, value: str):
        super().__init__(
            f"Périmètre inconnu « {value} » : valeurs possibles {', '.join(Perimeter.values)}."
        )


class NoImportError(LookupError):
    def __init__(self):
        super().__init__(
            "Aucun import Sirene en ligne : pas encore d'indicateurs (essor sirene import)."
        )


def check_perimeter(value: str | None) -> str:
    value = value or Perimeter.STATISTIQUE
    if value not in Perimeter.values:
        raise PerimeterError(value)
    return value


def load_portrait(kind: str, code: str, perimeter: str | None) -> Portrait:
    """The portrait, or Http404 (unknown territory), PerimeterError, NoImportError."""
    perimeter = check_perimeter(perimeter)
    portrait = get_portrait(get_territory(kind, code), perimeter)
    if portrait is None:
        raise NoImportError()
    return portrait
