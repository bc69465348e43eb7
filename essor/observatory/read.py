"""`get_portrait(territory, perimeter)`: the portrait every page, export and API call reads.

It reads the pre-aggregated blocks of the current import (essor.observatory.compute): one
indexed query for the territory's block (all communes' blocks for a custom perimeter, summed
here), one for its sub-territories' totals, one for its QPV's counts. While the
current import has no computed indicators (`essor sirene import --no-indicators`, a compute in
progress or failed), the portrait is computed from the detail tables (essor.observatory.direct).
When the thematic fields were edited since the compute (IndicatorSet.stale), the fields' figures
are read from the detail tables, the rest from the cells.
"""

import json

from essor.observatory import scope
from essor.observatory.assemble import (
    ECONOMY,
    THEME,
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
from essor.observatory.models import IndicatorBlock, IndicatorSet
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
ECONOMY_FIELDS = tuple(f"economy_{name}" for name in MEASURE_FIELDS)


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


def _blocks(run, perimeter: str, kind: str, codes: list[str]):
    rows = IndicatorBlock.objects.filter(run=run, perimeter=perimeter, territory_kind=kind)
    if len(codes) == 1:
        return rows.filter(territory_code=codes[0])
    return rows.filter(territory_code__in=codes)


def read_data(territory, perimeter: str, run, indicators: IndicatorSet) -> PortraitData:
    kind, codes = _place(territory)
    cells: Cells = {}
    top: list[TopRow] = []
    if codes:
        sums: dict[tuple[str, str], list] = {}  # plain lists: a perimeter sums ~100 000 cells
        for packed_cells, packed_top in _blocks(run, perimeter, kind, codes).values_list(
            "cells", "top"
        ):
            for dimension, key, n, emp, est, wb in json.loads(packed_cells):
                found = sums.get((dimension, key))
                if found is None:
                    sums[(dimension, key)] = [n, emp, est, wb]
                else:
                    found[0] += n
                    found[1] += emp
                    found[2] += est
                    found[3] += wb
            top.extend(TopRow(*values) for values in json.loads(packed_top))
        for (dimension, key), (n, emp, est, wb) in sums.items():
            if not (indicators.stale and dimension == THEME):
                add_cell(cells, dimension, key, Measures(n, emp, float(est), wb))
    if len(codes) > 1:
        top = sort_top(top)
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
        rows = _blocks(run, perimeter, subs[0].kind, list(by_code)).values_list(
            "territory_code", *MEASURE_FIELDS, *ECONOMY_FIELDS
        )
        if not arrondissements:
            for sub in subs:
                sub.economy = Measures()
        for code, *values in rows:
            sub = by_code[code]
            sub.total.add(Measures(*values[:4]))
            if not arrondissements and values[4] is not None:
                sub.economy.add(Measures(*values[4:]))
    qpvs = scope.qpvs(territory)
    qpv_counts: dict[str, tuple[int, int]] = {}
    if qpvs:
        names = dict(qpvs)
        for code, inside, near in _blocks(run, perimeter, K.QPV, list(names)).values_list(
            "territory_code", "qpv_inside", "qpv_near"
        ):
            qpv_counts[code] = (inside, near)
    qpv_rows = [(code, name, *qpv_counts.get(code, (0, 0))) for code, name in qpvs]
    return PortraitData(
        cells=cells,
        top=top,
        qpv_rows=qpv_rows,
        children=subs,
        has_economy=economy,
        reference_year=reference_year(run),
        commune_names=scope.commune_names([r.commune_code for r in top]),
    )
