"""Text helpers for French names: accent and case folding for search."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """« Saint-Étienne » → « saint etienne »: lower case, no accents, words separated by spaces."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_only = ascii_only.replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", ascii_only).strip()
