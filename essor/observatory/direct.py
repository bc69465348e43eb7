"""The portrait of a territory computed straight from the Sirene detail tables of the current
import (Establishment, LegalUnit, EstablishmentAggregate) with ORM group-bys.

The reference implementation: the benchmark baseline and the oracle of the tests of the
pre-aggregated path (essor.observatory.read). Definitions are those of essor.observatory.assemble.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from essor.ess.enums import Perimeter
from essor.ess.themes import Theme
from essor.observatory import qpvgeo, scope
from essor.observatory.assemble import (
    BAND,
    CJ,
    DIVISION,
    DYNAMICS,
    ECONOMY,
    FAMILY,
    QPV,
    SURVIVAL,
    SURVIVAL_YEARS,
    THEME,
    TOP_BANDS,
    TOP_SIZE,
    TOTAL,
    YEAR,
    Cells,
    Measures,
    PortraitData,
    TopRow,
    add_cell,
    assemble,
    sort_top,
)
from essor.observatory.models import ThemeNafCode, ThemeTag
from essor.observatory.portrait import Portrait
from essor.sirene.models import Establishment, EstablishmentAggregate, ImportRun
from essor.territories.enums import TerritoryKind

K = TerritoryKind


def perimeter_filter(perimeter: str) -> Q:
    if perimeter == Perimeter.LOI_2014:
        return Q(legal_unit__in_loi2014=True)
    if perimeter == Perimeter.STATISTIQUE:
        return Q(legal_unit__in_statistique=True)
    raise ValueError(f"Périmètre inconnu : {perimeter}")


def reference_year(run: ImportRun) -> int:
    """The year of the data (survival horizons must be over before it)."""
    return (run.data_date or run.started_at.date()).year


def ess_establishments(run: ImportRun, perimeter: str):
    return Establishment.objects.filter(Q(run=run) & perimeter_filter(perimeter))


def build_portrait_direct(territory, perimeter: str) -> Portrait | None:
    run = ImportRun.objects.current()
    if run is None:
        return None
    return assemble(territory, perimeter, run, direct_data(territory, perimeter, run))


def direct_data(territory, perimeter: str, run: ImportRun) -> PortraitData:
    base = ess_establishments(run, perimeter).filter(territory.establishment_filter())
    active = base.filter(state="A")
    cells: Cells = {}
    _active_cells(active, cells)
    theme_cells(active, cells)
    _dynamic_cells(base, cells)
    _qpv_cells(active, cells, territory, run, perimeter)
    economy = scope.has_economy(territory)
    if economy:
        communes = None if territory.kind == K.FRANCE else territory.commune_codes()
        for measures in economy_by_commune(run, communes).values():
            add_cell(cells, ECONOMY, "all", measures)
    subs = scope.children(territory)
    _children(run, perimeter, territory, subs)
    top = _top(active)
    return PortraitData(
        cells=cells,
        top=top,
        qpv_rows=qpv_rows(run, perimeter, scope.qpvs(territory)),
        children=subs,
        has_economy=economy,
        reference_year=reference_year(run),
        commune_names=scope.commune_names([r.commune_code for r in top]),
    )


def _active_cells(active, cells: Cells) -> None:
    rows = active.values(
        "legal_unit__family",
        "legal_unit__legal_category",
        "naf_division",
        "workforce_band",
        "workforce_year",
        "employer",
    ).annotate(n=Count("id"))
    for row in rows:
        m = Measures.of(row["n"], row["workforce_band"], row["employer"])
        year = row["workforce_year"]
        add_cell(cells, TOTAL, "", m)
        add_cell(cells, FAMILY, row["legal_unit__family"], m)
        add_cell(cells, CJ, f"{row['legal_unit__legal_category']}|{row['legal_unit__family']}", m)
        add_cell(cells, DIVISION, row["naf_division"] or "", m)
        add_cell(cells, BAND, row["workforce_band"] or "", m)
        add_cell(cells, YEAR, str(year) if year is not None else "", m)


def theme_filter(theme: str, codes: list[str], tagged: list[str]) -> Q:
    """Establishments of a thematic field (essor.observatory.themes)."""
    q = Q(pk__in=[])
    if codes:
        by_naf = Q()
        for code in codes:
            by_naf |= Q(naf__startswith=code)
        q |= Q(naf_division__gt="") & by_naf
    if tagged:
        q |= Q(siren__in=tagged)
    if theme == Theme.INSERTION:
        q |= Q(legal_unit__siae_kind__gt="")
    return q


def theme_definitions() -> dict[str, tuple[list[str], list[str]]]:
    """{theme: (NAF codes, tagged SIRENs)} as currently edited."""
    result = {t.value: ([], []) for t in Theme}
    for theme, naf in ThemeNafCode.objects.values_list("theme", "naf"):
        result[theme][0].append(naf)
    for theme, siren in ThemeTag.objects.values_list("theme", "siren"):
        result[theme][1].append(siren)
    return result


def theme_cells(active, cells: Cells) -> None:
    for theme, (codes, tagged) in theme_definitions().items():
        rows = active.filter(theme_filter(theme, codes, tagged))
        for row in rows.values("workforce_band", "employer").annotate(n=Count("id")):
            add_cell(
                cells, THEME, theme, Measures.of(row["n"], row["workforce_band"], row["employer"])
            )


def _dynamic_cells(base, cells: Cells) -> None:
    rows = (
        base.annotate(created=ExtractYear("created_on"), closed=ExtractYear("closed_on"))
        .values("created", "closed", "state")
        .annotate(n=Count("id"))
    )
    for row in rows:
        n, created, closed, state = row["n"], row["created"], row["closed"], row["state"]
        if created is not None:
            add_cell(cells, DYNAMICS, str(created), Measures(n))
            alive = {
                k: n if state == "A" or (closed is not None and closed > created + k) else 0
                for k in SURVIVAL_YEARS
            }
            add_cell(cells, SURVIVAL, str(created), Measures(alive[1], alive[3], 0.0, alive[5]))
        if state == "F" and closed is not None:
            add_cell(cells, DYNAMICS, str(closed), Measures(0, n))


def _qpv_cells(active, cells: Cells, territory, run, perimeter: str) -> None:
    if territory.kind == K.QPV:
        ((_code, _name, inside, near),) = qpv_rows(
            run, perimeter, [(territory.code, territory.name)]
        )
    else:
        inside = active.exclude(qpv_code="").count()
        points = list(
            active.filter(qpv_code="", lat__isnull=False, lon__isnull=False).values_list(
                "lon", "lat", "commune_code"
            )
        )
        near = 0
        if points:
            lon, lat, communes = zip(*points, strict=True)
            index, _codes = qpvgeo.qpv_index().pairs(lon, lat, communes)
            near = len(set(index.tolist()))
    if inside:
        add_cell(cells, QPV, "inside", Measures(inside))
    if near:
        add_cell(cells, QPV, "near", Measures(near))


def qpv_rows(run, perimeter: str, qpvs: list[tuple[str, str]]) -> list[tuple[str, str, int, int]]:
    """Per QPV: active ESS establishments inside it, and outside any QPV within 300 m of it."""
    if not qpvs:
        return []
    codes = [code for code, _ in qpvs]
    active = ess_establishments(run, perimeter).filter(state="A")
    inside = dict(active.filter(qpv_code__in=codes).values_list("qpv_code").annotate(n=Count("id")))
    index = qpvgeo.qpv_index()
    boxes = [index.bounds[c] for c in codes if c in index.bounds]
    near: dict[str, int] = {}
    if boxes:
        box = Q(pk__in=[])
        if len(boxes) > 50:  # many QPV (a région, France): one box around them all
            boxes = [(min(b[0] for b in boxes), min(b[1] for b in boxes),
                      max(b[2] for b in boxes), max(b[3] for b in boxes))]  # fmt: skip
        for west, south, east, north in boxes:
            box |= Q(lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north)
        points = list(active.filter(box, qpv_code="").values_list("lon", "lat", "commune_code"))
        if points:
            lon, lat, communes = zip(*points, strict=True)
            _, found = index.pairs(lon, lat, communes)
            wanted = set(codes)
            for code in found.tolist():
                if code in wanted:
                    near[code] = near.get(code, 0) + 1
    return [(c, name, inside.get(c, 0), near.get(c, 0)) for c, name in qpvs]


def economy_by_commune(run, communes: list[str] | None) -> dict[str, Measures]:
    """All active establishments (ESS or not) per current commune, from the aggregates."""
    aggregates = EstablishmentAggregate.objects.filter(run=run, state="A", commune_known=True)
    if communes is not None:
        aggregates = aggregates.filter(commune_code__in=communes)
    result: dict[str, Measures] = {}
    rows = aggregates.values("commune_code", "workforce_band", "employer").annotate(n=Sum("count"))
    for row in rows:
        m = Measures.of(row["n"], row["workforce_band"], row["employer"])
        result.setdefault(row["commune_code"], Measures()).add(m)
    return result


CHILD_COLUMN = {
    K.REGION: "region_code",
    K.DEPARTEMENT: "departement_code",
    K.EPCI: "epci_siren",
}


def _children(run, perimeter: str, territory, subs) -> None:
    if not subs:
        return
    kind, codes = subs[0].kind, [s.code for s in subs]
    by_code = {s.code: s for s in subs}
    arrondissements = territory.kind == K.COMMUNE
    column = "arrondissement_code" if arrondissements else CHILD_COLUMN.get(kind, "commune_code")
    active = ess_establishments(run, perimeter).filter(state="A", **{f"{column}__in": codes})
    rows = active.values(column, "workforce_band", "employer").annotate(n=Count("id"))
    for row in rows:
        by_code[row[column]].total.add(
            Measures.of(row["n"], row["workforce_band"], row["employer"])
        )
    if arrondissements:
        return
    mapping = scope.child_of_commune(territory, subs)
    for sub in subs:
        sub.economy = Measures()
    for commune, measures in economy_by_commune(run, list(mapping)).items():
        by_code[mapping[commune]].economy.add(measures)


def _top(active) -> list[TopRow]:
    """The ten largest: find the smallest tranche that still reaches ten, fetch the rows of
    that tranche and above, sort (tranche, name, SIRET) in Python."""
    counts = dict(
        active.filter(workforce_band__in=TOP_BANDS)
        .values_list("workforce_band")
        .annotate(n=Count("id"))
    )
    bands, seen = [], 0
    for band in reversed(TOP_BANDS):
        if counts.get(band):
            bands.append(band)
            seen += counts[band]
            if seen >= TOP_SIZE:
                break
    rows = active.filter(workforce_band__in=bands).values_list(
        "siret", "enseigne", "name", "commune_code", "arrondissement_code", "workforce_band"
    )
    top = [
        TopRow(siret, enseigne or name or siret, arrondissement or commune, band)
        for siret, enseigne, name, commune, arrondissement, band in rows
    ]
    return sort_top(top)
