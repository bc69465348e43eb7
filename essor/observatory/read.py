"""`get_portrait(territory, perimeter)`: the portrait every page, export and API call reads.

It reads the pre-aggregated cells of the current import (essor.observatory.compute): one
indexed query for the territory's cells (all communes' cells for a custom perimeter, summed
here), one for its sub-territories, one for its QPV, one for its largest employers. While the
current import has no computed indicators (`essor sirene import --no-indicators`, a compute in
progress or failed), the portrait is computed from the detail tables (essor.observatory.direct).
When the thematic fields were edited since the compute (IndicatorSet.stale), the fields' figures
are read from the detail tables, the rest from the cells.
"""

from essor.observatory import scope
from essor.observatory.assemble import (
    ECONOMY,
    THEME,
    TOTAL,
    Cells,
    Measures,
    PortraitData,
    TopRow,
    add_cell,
    assemble,
    sort_top,
)
from essor.observatory.direct import (
    build_portrait_direct,
    ess_establishments,
    reference_year,
    theme_cells,
)
from essor.observatory.models import IndicatorCell, IndicatorSet, TopEmployer
from essor.observatory.portrait import Portrait
from essor.sirene.models import ImportRun
from essor.territories.enums import TerritoryKind

K = TerritoryKind
MEASURE_FIELDS = (
    "establishments",
    "employer_establishments",
    "estimated_employees",
    "without_band",
)


def get_portrait(territory, perimeter: str) -> Portrait | None:
    """The portrait of `territory` (essor.observatory.territory.Territory) in `perimeter`
    (essor.ess.enums.Perimeter value) from the current Sirene import; None without import."""
    run = ImportRun.objects.current()
    if run is None:
        return None
    indicators = IndicatorSet.objects.filter(run=run).first()
    if indicators is None:
        return build_portrait_direct(territory, perimeter)
    return assemble(territory, perimeter, run, read_data(territory, perimeter, run, indicators))


def _place(territory) -> tuple[str, list[str]]:
    """(cell territory_kind, codes) whose cells make up the territory."""
    if territory.kind == K.PERIMETER:
        return K.COMMUNE, territory.commune_codes()
    return territory.kind, [territory.code]


def _cells(run, perimeter: str, kind: str, codes: list[str], **extra):
    rows = IndicatorCell.objects.filter(run=run, perimeter=perimeter, territory_kind=kind)
    rows = (
        rows.filter(territory_code=codes[0])
        if len(codes) == 1
        else rows.filter(territory_code__in=codes)
    )
    return rows.filter(**extra).values_list("territory_code", "dimension", "key", *MEASURE_FIELDS)


def read_data(territory, perimeter: str, run, indicators: IndicatorSet) -> PortraitData:
    kind, codes = _place(territory)
    cells: Cells = {}
    if codes:
        for _code, dimension, key, *values in _cells(run, perimeter, kind, codes):
            if indicators.stale and dimension == THEME:
                continue
            add_cell(cells, dimension, key, Measures(*values))
    if indicators.stale:
        active = ess_establishments(run, perimeter).filter(
            territory.establishment_filter(), state="A"
        )
        theme_cells(active, cells)
    economy = scope.has_economy(territory)
    if economy and (ECONOMY, "all") not in cells:
        cells[(ECONOMY, "all")] = Measures()
    subs = scope.children(territory)
    if subs:
        by_code = {s.code: s for s in subs}
        arrondissements = territory.kind == K.COMMUNE
        rows = _cells(run, perimeter, subs[0].kind, list(by_code), dimension__in=[TOTAL, ECONOMY])
        if not arrondissements:
            for sub in subs:
                sub.economy = Measures()
        for code, dimension, _key, *values in rows:
            sub = by_code[code]
            if dimension == TOTAL:
                sub.total.add(Measures(*values))
            elif not arrondissements:
                sub.economy.add(Measures(*values))
    qpvs = scope.qpvs(territory)
    qpv_counts: dict[tuple[str, str], int] = {}
    if qpvs:
        names = dict(qpvs)
        for code, _dim, key, n, *_rest in _cells(
            run, perimeter, K.QPV, list(names), dimension="qpv"
        ):
            qpv_counts[(code, key)] = n
    qpv_rows = [
        (code, name, qpv_counts.get((code, "inside"), 0), qpv_counts.get((code, "near"), 0))
        for code, name in qpvs
    ]
    top = _top(run, perimeter, kind, codes)
    return PortraitData(
        cells=cells,
        top=top,
        qpv_rows=qpv_rows,
        children=subs,
        has_economy=economy,
        reference_year=reference_year(run),
        commune_names=scope.commune_names([r.commune_code for r in top]),
    )


def _top(run, perimeter: str, kind: str, codes: list[str]) -> list[TopRow]:
    if not codes:
        return []
    rows = TopEmployer.objects.filter(run=run, perimeter=perimeter, territory_kind=kind)
    rows = (
        rows.filter(territory_code=codes[0])
        if len(codes) == 1
        else rows.filter(territory_code__in=codes)
    )
    found = [
        TopRow(*values)
        for values in rows.order_by("rank").values_list(
            "siret", "name", "commune_code", "workforce_band"
        )
    ]
    return found if len(codes) == 1 else sort_top(found)
