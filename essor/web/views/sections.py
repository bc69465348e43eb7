"""A Portrait turned into page sections: formatted data tables, their SVG chart, their download
links and their « sources et méthode » note. Shared by the portrait page and the printable report
so that both show the same figures.

Which chart goes with which table is decided here (`CHARTS`); the figures themselves come
unchanged from the Portrait (essor.observatory.portrait): counts as they are, estimates rounded
for display only, shares as percentages.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from essor.observatory import charts, choropleth
from essor.observatory.portrait import Column, Portrait, Table

# Tables drawn as horizontal bars (label column → first count column).
BAR_TABLES = {
    "familles",
    "secteurs_ess",
    "sections_naf",
    "champs_thematiques",
    "tranches_effectif",
}
# Tables shown as a chart with their data in a « Voir les données » disclosure; the others
# are shown as tables directly.
CHARTED = BAR_TABLES | {"dynamique", "survie", "sous_territoires"}
# Long tables without a chart, folded in a « Voir le tableau » disclosure on the page (printed
# open in the report).
FOLDED = {"categories_juridiques", "divisions_naf", "annees_effectif"}
# The years drawn by the dynamics and survival charts (the data tables keep every year).
CHART_YEARS = 25
# Tables left out of the page when empty: they do not apply to the territory (no ESS share below
# the commune, no sub-territory level under a commune or a QPV).
NOT_APPLICABLE_WHEN_EMPTY = {"part_economie", "sous_territoires"}
DOWNLOAD_FORMATS = [("csv", "CSV"), ("xlsx", "Excel"), ("parquet", "Parquet")]
LINE_KEYS = ("solde",)  # columns of « dynamique » drawn as a line over the columns


def is_ratio(key: str) -> bool:
    """Float columns shown with one decimal (densities); other floats are estimates or counts
    stored as floats, shown rounded to the unit."""
    return "densite" in key or "10k" in key or "10000" in key


def format_cell(value, kind: str, key: str = "") -> str:
    if value is None:
        return "—"
    if kind == "share":
        return charts.format_percent(value)
    if kind == "int":
        return charts.format_number(value)
    if kind == "float":
        return charts.format_number(value, 1 if is_ratio(key) else 0)
    return str(value)


@dataclass
class Cell:
    text: str
    numeric: bool
    href: str = ""


@dataclass
class Section:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    method: str
    chart: SafeString | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)
    charted: bool = False
    folded: bool = False
    table: Table | None = None

    @property
    def anchor(self) -> str:
        return self.slug.replace("_", "-")


def table_download_links(territory, perimeter: str, slug: str) -> list[tuple[str, str]]:
    """[(label, url)] of the downloads of one table (observatory_exports); no links when the
    exports are not installed."""
    links = []
    for fmt, label in DOWNLOAD_FORMATS:
        try:
            url = reverse(
                "observatory_exports:table",
                kwargs={"kind": territory.kind, "code": territory.code, "slug": slug, "fmt": fmt},
            )
        except NoReverseMatch:
            return []
        links.append((label, f"{url}?perimetre={perimeter}"))
    return links


def numeric_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.kind in ("int", "float", "share")]


def label_column(table: Table) -> Column | None:
    """The column that names a row: « libelle » or « nom » when present, else the first text or
    year column."""
    by_key = {c.key: c for c in table.columns}
    for key in ("libelle", "nom"):
        if key in by_key:
            return by_key[key]
    return next((c for c in table.columns if c.kind in ("text", "year")), None)


def shown_columns(table: Table) -> list[Column]:
    """Columns of the page table: a leading « Code » column is left out when a « libelle »
    names the row (family, sector, size band codes are for scripts; exports keep them)."""
    columns = list(table.columns)
    if columns and columns[0].label == "Code" and "libelle" in table.column_keys():
        return columns[1:]
    return columns


def _row_label(table: Table, row: dict) -> str:
    column = label_column(table)
    return str(row.get(column.key, "")) if column else ""


def bar_svg(table: Table, chart_id: str) -> str:
    counts = [c for c in table.columns if c.kind == "int"] or numeric_columns(table)
    if not counts:
        return ""
    value = counts[0]
    fmt = charts.format_percent if value.kind == "share" else charts.format_number
    bars = [(_row_label(table, row), row.get(value.key)) for row in table.rows]
    return charts.bar_chart(
        bars,
        title=f"{table.title} — {value.label.lower()}",
        chart_id=chart_id,
        value_format=fmt,
    )


def recent_years(table: Table, key: str, fill: dict | None) -> list[dict]:
    """The rows of the last CHART_YEARS years, one per year in a row: missing years get `fill`
    (zero counts) or are left as gaps (None values) when `fill` is None."""
    by_year = {row[key]: row for row in table.rows if isinstance(row.get(key), int)}
    if not by_year:
        return []
    last = max(by_year)
    first = max(min(by_year), last - CHART_YEARS + 1)
    return [by_year.get(y, {key: y, **(fill or {})}) for y in range(first, last + 1)]


def dynamics_svg(table: Table, chart_id: str) -> str:
    x = label_column(table)
    counts = [c for c in table.columns if c.kind == "int"]
    if x is None or not counts:
        return ""
    rows = recent_years(table, x.key, {c.key: 0 for c in counts})
    line_columns = [c for c in counts if any(k in c.key for k in LINE_KEYS)]
    bar_columns = [c for c in counts if c not in line_columns]
    categories = [str(row.get(x.key, "")) for row in rows]
    series = [charts.Series(c.label, [row.get(c.key) for row in rows]) for c in bar_columns]
    line = None
    if line_columns:
        column = line_columns[0]
        line = charts.Series(column.label, [row.get(column.key) for row in rows])
    title = table.title + (f", {categories[0]}–{categories[-1]}" if categories else "")
    return charts.column_chart(categories, series, line=line, title=title, chart_id=chart_id)


def survival_svg(table: Table, chart_id: str) -> str:
    """One line per survival column (e.g. at 1, 3, 5 years) across the creation years."""
    x = label_column(table)
    shares = [c for c in table.columns if c.kind == "share"]
    if x is None or not shares:
        return ""
    rows = recent_years(table, x.key, None)
    categories = [str(row.get(x.key, "")) for row in rows]
    series = [charts.Series(c.label, [row.get(c.key) for row in rows]) for c in shares]
    title = table.title + (f", cohortes {categories[0]}–{categories[-1]}" if categories else "")
    return charts.line_chart(categories, series, title=title, chart_id=chart_id, high=1)


def map_columns(table: Table) -> list[Column]:
    """Columns the map can show: every numeric column but the population."""
    return [c for c in numeric_columns(table) if c.key != "population"]


def default_map_column(table: Table) -> Column | None:
    columns = map_columns(table)
    for column in columns:
        if "10" in column.key and "000" in column.key or "densite" in column.key:
            return column
    return columns[0] if columns else None


def code_column(table: Table) -> str | None:
    keys = table.column_keys()
    return next((k for k in ("code", "siren", "code_insee") if k in keys), None)


def map_svg(territory, table: Table, column: Column | None, chart_id: str) -> str:
    if column is None or not table.rows:
        return ""
    code_key = code_column(table)
    layout = choropleth.territory_layout(territory.kind, territory.code)
    if layout is None or code_key is None:
        return ""
    values = {str(row.get(code_key)): row.get(column.key) for row in table.rows}

    def fmt(value) -> str:
        return format_cell(value, column.kind, column.key)

    kind_label = {
        "region": "région",
        "departement": "département",
        "epci": "intercommunalité",
        "commune": "commune",
    }.get(choropleth.child_kind(territory.kind), "territoire")
    return choropleth.choropleth_svg(
        layout,
        values,
        title=f"{column.label} par {kind_label} — {territory.name}",
        legend_title=column.label,
        chart_id=chart_id,
        value_format=fmt,
    )


def rows_of(table: Table, link_kind: str | None = None) -> list[list[Cell]]:
    code_key = code_column(table) if link_kind else None
    name = label_column(table)
    rows = []
    for row in table.rows:
        cells = []
        for column in shown_columns(table):
            value = row.get(column.key)
            cell = Cell(format_cell(value, column.kind, column.key), column.kind != "text")
            if code_key and name and column.key == name.key and row.get(code_key):
                cell.href = reverse("web:territory", args=[link_kind, row[code_key]])
            cells.append(cell)
        rows.append(cells)
    return rows


def build_sections(portrait: Portrait, map_key: str | None = None) -> list[Section]:
    """Page sections in Portrait order (empty tables are kept: the page says so)."""
    territory = portrait.territory
    sections = []
    for slug, table in portrait.tables.items():
        if not table.rows and slug in NOT_APPLICABLE_WHEN_EMPTY:
            continue
        chart_id = f"graphique-{slug.replace('_', '-')}"
        svg = ""
        link_kind = None
        if slug in BAR_TABLES:
            svg = bar_svg(table, chart_id)
        elif slug == "dynamique":
            svg = dynamics_svg(table, chart_id)
        elif slug == "survie":
            svg = survival_svg(table, chart_id)
        elif slug == "qpv":
            link_kind = "qpv"
        elif slug == "sous_territoires":
            link_kind = choropleth.child_kind(territory.kind)
            columns = {c.key: c for c in map_columns(table)}
            column = columns.get(map_key) or default_map_column(table)
            svg = map_svg(territory, table, column, chart_id)
        sections.append(
            Section(
                slug=slug,
                title=table.title,
                columns=shown_columns(table),
                rows=rows_of(table, link_kind),
                method=table.method,
                chart=mark_safe(svg) if svg else None,  # noqa: S308 — every text is escaped
                downloads=table_download_links(territory, portrait.perimeter, slug),
                charted=bool(svg),
                folded=slug in FOLDED and len(table.rows) > 8,
                table=table,
            )
        )
    return sections
