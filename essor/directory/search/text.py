"""French-aware text normalisation, shared by the index and the queries.

`normalise("L'Épicerie des Possibles")` → "epicerie possible": lower case, accents removed,
elisions (l', d', qu'…) and punctuation dropped, dotted acronyms joined ("R.P.S." → "rps"),
French stop words removed and a simple plural → singular folding. The index stores the output,
the query goes through the same function, so both sides always agree.

Typo tolerance: `edit_distance` (Levenshtein with an early stop) and `max_typos(token)` (1 edit up
to 5 letters, 2 beyond).
"""

import re
import unicodedata
from functools import lru_cache

import numpy as np

_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’`´]", re.I)
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Short grammatical words that carry no meaning in a name search.
STOP_WORDS = frozenset("a au aux d de des du en et l la le les pour par sur un une".split())


def fold(value: str) -> str:
    """Accents and case folded, punctuation as spaces, elisions and acronym dots removed."""
    value = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), value or "")
    value = _ELISION.sub(" ", value)
    if not value.isascii():
        value = value.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
        value = value.replace("ß", "ss")
        # Accents are combining marks after NFKD; the ASCII encoding drops them (and any other
        # non-Latin character, which the search cannot type anyway).
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", value.lower()).strip()


def singular(token: str) -> str:
    """Simple French plural folding: « chevaux » → « cheval », « jeux » → « jeu »,
    « associations » → « association ». Applied on both sides, so an imperfect rule still
    matches its own output."""
    if len(token) <= 3 or token.isdigit():
        return token
    if token.endswith("aux") and len(token) > 4 and not token.endswith("eaux"):
        return token[:-3] + "al"
    if token.endswith(("eaux", "eux", "oux", "aux")):
        return token[:-1]
    if token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def tokens(value: str, keep_stop_words: bool = False) -> list[str]:
    """Normalised tokens of `value`, in order."""
    words = fold(value).split()
    if not keep_stop_words:
        kept = [w for w in words if w not in STOP_WORDS]
        words = kept or words  # a name made only of stop words keeps them
    return [singular(w) for w in words]


def normalise(value: str) -> str:
    return " ".join(tokens(value))


@lru_cache(maxsize=100_000)
def normalise_cached(value: str) -> str:
    """`normalise` for the values repeated across rows (commune names, NAF labels…)."""
    return normalise(value)


def max_typos(token: str) -> int:
    return 0 if len(token) <= 2 else 1 if len(token) <= 5 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between a and b, or limit + 1 as soon as it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def edit_distances(word: str, candidates: list[str]) -> np.ndarray:
    """Levenshtein distance from `word` to each candidate, computed for all candidates at once
    (numpy rows; the same values as `edit_distance` wherever that one is within its limit)."""
    count = len(candidates)
    if not count:
        return np.zeros(0, dtype=np.int32)
    width = max(len(c) for c in candidates)
    lengths = np.fromiter((len(c) for c in candidates), dtype=np.int64, count=count)
    padded = "".join(c.ljust(width, "\0") for c in candidates).encode("utf-32-le")
    letters = np.frombuffer(padded, dtype=np.uint32).reshape(count, width)
    steps = np.arange(width + 1, dtype=np.int32)
    previous = np.tile(steps, (count, 1))  # distances from the empty prefix of `word`
    for i, char in enumerate(word, 1):
        # Substitution or match, and deletion; insertion (along the candidate) as a running
        # minimum: current[j] = min_k(best[k] + j - k).
        best = np.empty_like(previous)
        best[:, 0] = i
        np.minimum(previous[:, :-1] + (letters != ord(char)), previous[:, 1:] + 1, out=best[:, 1:])
        previous = np.minimum.accumulate(best - steps, axis=1) + steps
    return previous[np.arange(count), lengths]
