"""SIREN / SIRET / INSEE code checks.

SIREN (9 digits) and SIRET (14 digits) carry a Luhn check digit. One known exception: the
establishments of La Poste (SIREN 356000000) are numbered so that the sum of the SIRET digits is a
multiple of 5 instead (INSEE rule), so they do not pass Luhn.
"""

import re

LA_POSTE_SIREN = "356000000"
_COMMUNE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_valid_siren(value: str | None) -> bool:
    return bool(value) and len(value) == 9 and value.isdigit() and luhn_ok(value)


def is_valid_siret(value: str | None) -> bool:
    if not value or len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return luhn_ok(value)


def is_commune_code(value: str | None) -> bool:
    return bool(value) and bool(_COMMUNE_RE.match(value))


def normalise_siren(value: str | None) -> str:
    """Digits only, left-padded to 9 (lists sometimes drop leading zeros)."""
    digits = re.sub(r"\D", "", value or "")
    return digits.zfill(9) if 0 < len(digits) <= 9 else digits
