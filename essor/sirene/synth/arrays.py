"""Vectorised helpers: Luhn check digits on integer arrays, and Arrow string columns built from
numpy arrays without a Python loop over rows."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY_SECONDS = 86_400


def luhn_check_digit(payload: np.ndarray, ndigits: int) -> np.ndarray:
    """The digit to append to each `ndigits`-digit number so that the result passes Luhn."""
    rest = payload.astype(np.int64, copy=True)
    total = np.zeros(len(rest), dtype=np.int64)
    for position in range(ndigits):
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:  # becomes an odd position (doubled) once the check digit is appended
            digit = digit * 2
            digit -= 9 * (digit > 9)
        total += digit
    return (10 - total % 10) % 10


def zero_padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pa.array(values, pa.int64()).cast(pa.string()), width, padding="0")


def integers(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, pa.int64(), mask=null).cast(pa.string())


def choose(pool: list[str] | tuple[str, ...] | pa.Array, index: np.ndarray, null=None) -> pa.Array:
    """pool[index] as a string column; rows where `null` is true are empty."""
    pool = pool if isinstance(pool, pa.Array) else pa.array(list(pool), pa.string())
    return pc.take(pool, pa.array(index, pa.int32(), mask=null))


def constant(value: str | None, size: int) -> pa.Array:
    if value is None:
        return pa.nulls(size, pa.string())
    return pa.repeat(pa.scalar(value, pa.string()), size)


def with_nulls(column: pa.Array, null: np.ndarray) -> pa.Array:
    if not null.any():
        return column
    return pc.if_else(pa.array(null), pa.scalar(None, pa.string()), column)


def replaced(column: pa.Array, mask: np.ndarray, value: str) -> pa.Array:
    """`value` where `mask` is true (e.g. `[ND]` for partial diffusion), the column elsewhere."""
    if not mask.any():
        return column
    return pc.if_else(pa.array(mask), pa.scalar(value, pa.string()), column)


def joined(*parts: pa.Array, separator: str = "") -> pa.Array:
    """Row-wise concatenation; a null part makes the row null."""
    return pc.binary_join_element_wise(*parts, separator)


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DD` from days since 1970-01-01."""
    return pa.array(days.astype(np.int32), pa.date32(), mask=null).cast(pa.string())


_TIMES_OF_DAY: pa.Array | None = None


def timestamps(seconds: np.ndarray) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SS` from seconds since 1970-01-01 (naive, as INSEE writes them).

    Date part cast by Arrow, time part taken from a table of the 86,400 times of day: about ten
    times faster than `strftime`."""
    global _TIMES_OF_DAY
    if _TIMES_OF_DAY is None:
        day = np.arange(DAY_SECONDS)
        _TIMES_OF_DAY = joined(
            zero_padded(day // 3600, 2),
            zero_padded(day // 60 % 60, 2),
            zero_padded(day % 60, 2),
            separator=":",
        )
    seconds = seconds.astype(np.int64)
    day_part = dates(seconds // DAY_SECONDS)
    time_part = pc.take(_TIMES_OF_DAY, pa.array(seconds % DAY_SECONDS, pa.int32()))
    return joined(day_part, time_part, separator="T")


def decimals(values: np.ndarray, null: np.ndarray) -> pa.Array:
    """Metres with one decimal (`652345.1`), empty where `null`."""
    tenths = np.rint(np.where(null, 0, values) * 10).astype(np.int64)
    text = joined(integers(tenths // 10), integers(tenths % 10), separator=".")
    return with_nulls(text, null)


def draw(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn from a cumulative distribution (last value 1)."""
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)
