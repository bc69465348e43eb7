"""Public pages, one module per screen: territory search, portrait (and its printable report),
comparison. Thin: figures come from essor.observatory (the Portrait), drawing from
essor.observatory.charts / choropleth."""

from essor.web.views.compare import compare, compare_csv
from essor.web.views.portrait import report, territory, territory_families_csv
from essor.web.views.search import home, territory_suggestions

__all__ = [
    "compare",
    "compare_csv",
    "home",
    "report",
    "territory",
    "territory_families_csv",
    "territory_suggestions",
]
