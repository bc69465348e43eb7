"""Facet vocabulary shared by the index, the queries and the templates: value lists, bit orders and
French labels. Sectors and theme NAF lists come from essor.observatory when it is installed."""

from functools import lru_cache

from essor.directory.enums import Label
from essor.ess.enums import EssFamily
from essor.ess.themes import Theme

THEMES: list[str] = [t.value for t in Theme]
LABELS: list[str] = [label.value for label in Label]
THEME_BIT = {value: 1 << i for i, value in enumerate(THEMES)}
LABEL_BIT = {value: 1 << i for i, value in enumerate(LABELS)}

# Workforce tranche (Sirene) → size band of the facet.
SIZE_BANDS: list[tuple[str, str]] = [
    ("0", "Sans salarié"),
    ("1", "1 à 9 salariés"),
    ("2", "10 à 49 salariés"),
    ("3", "50 à 249 salariés"),
    ("4", "250 salariés et plus"),
    ("nr", "Effectif non renseigné"),
]
_TRANCHE_BAND = {
    **dict.fromkeys(("NN", "00"), "0"),
    **dict.fromkeys(("01", "02", "03"), "1"),
    **dict.fromkeys(("11", "12"), "2"),
    **dict.fromkeys(("21", "22", "31"), "3"),
    **dict.fromkeys(("32", "41", "42", "51", "52", "53"), "4"),
}


def size_band(tranche: str | None) -> str:
    return _TRANCHE_BAND.get((tranche or "").strip(), "nr")


FAMILY_LABELS = {f.value: str(f.label) for f in EssFamily}
THEME_LABELS = {t.value: str(t.label) for t in Theme}
LABEL_LABELS = {label.value: str(label.label) for label in Label}


def sectors_module():
    try:
        from essor.observatory import sectors
    except ImportError:  # the observatory's sector table is not there: no sector facet
        return None
    return sectors


def sector_labels() -> dict[str, str]:
    module = sectors_module()
    return dict(module.SECTORS) if module else {}


def sector_of(division: str) -> str:
    module = sectors_module()
    return module.sector_of(division) if module else ""


def theme_naf_prefixes() -> list[tuple[str, str]]:
    """[(NAF prefix in dotted form, theme)] from the observatory's editable table (or its
    defaults when the table is not migrated yet); [] without the observatory."""
    try:
        from essor.observatory.models import ThemeNafCode

        rows = list(ThemeNafCode.objects.values_list("naf", "theme"))
        if rows:
            return rows
    except Exception:  # noqa: BLE001 — model or table absent: fall back to the defaults
        pass
    try:
        from essor.observatory.themes import DEFAULT_THEME_NAF
    except ImportError:
        return []
    return [(naf, str(theme)) for theme, codes in DEFAULT_THEME_NAF.items() for naf in codes]


def theme_tags() -> dict[str, int]:
    """{siren: theme bits} of the observatory's manual tags."""
    try:
        from essor.observatory.models import ThemeTag

        bits: dict[str, int] = {}
        for siren, theme in ThemeTag.objects.values_list("siren", "theme"):
            bits[siren] = bits.get(siren, 0) | THEME_BIT.get(theme, 0)
        return bits
    except Exception:  # noqa: BLE001
        return {}


class ThemeMatcher:
    """NAF code → theme bits, by longest-prefix tables (cached per code)."""

    def __init__(self, prefixes: list[tuple[str, str]]):
        self.prefixes = [(naf, THEME_BIT.get(theme, 0)) for naf, theme in prefixes]
        self.bits_for = lru_cache(maxsize=4096)(self._bits)

    def _bits(self, naf: str) -> int:
        bits = 0
        if not naf:
            return 0
        for prefix, bit in self.prefixes:
            if naf.startswith(prefix):
                bits |= bit
        return bits


def bits_to_values(bits: int, order: list[str]) -> list[str]:
    return [value for i, value in enumerate(order) if bits & (1 << i)]
