"""`get_portrait(territory, perimeter)`: the portrait every page, export and API call reads.

While the current import has no pre-computed indicators, the portrait is computed from the
detail tables (essor.observatory.direct).
"""

from essor.observatory.direct import build_portrait_direct
from essor.observatory.portrait import Portrait


def get_portrait(territory, perimeter: str) -> Portrait | None:
    """The portrait of `territory` (essor.observatory.territory.Territory) in `perimeter`
    (essor.ess.enums.Perimeter value) from the current Sirene import; None without import."""
    return build_portrait_direct(territory, perimeter)
