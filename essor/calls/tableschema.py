"""A small Table Schema checker (string, number, date, boolean; required, pattern, enum,
minLength/maxLength, minimum/maximum), enough to check our exports against their schema files."""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

SCHEMAS = Path(__file__).parent / "schemas"


def load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _typed(field: dict, text: str):
    kind = field.get("type", "string")
    if kind == "number":
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError("nombre attendu (point décimal)")
        return Decimal(text)
    if kind == "date":
        return datetime.date.fromisoformat(text)
    if kind == "boolean":
        if text in field.get("trueValues", ["true"]):
            return True
        if text in field.get("falseValues", ["false"]):
            return False
        raise ValueError("booléen attendu")
    return text


def _constraint_errors(field: dict, text: str, value) -> list[str]:
    c = field.get("constraints", {})
    errors = []
    if "pattern" in c and not re.fullmatch(c["pattern"], text):
        errors.append(f"ne respecte pas le motif {c['pattern']}")
    if "enum" in c and text not in c["enum"]:
        errors.append("valeur hors de la liste")
    if "maxLength" in c and len(text) > c["maxLength"]:
        errors.append(f"plus de {c['maxLength']} caractères")
    if "minLength" in c and len(text) < c["minLength"]:
        errors.append(f"moins de {c['minLength']} caractères")
    if "minimum" in c and value < Decimal(str(c["minimum"])):
        errors.append(f"inférieur à {c['minimum']}")
    if "maximum" in c and value > Decimal(str(c["maximum"])):
        errors.append(f"supérieur à {c['maximum']}")
    return errors


def row_errors(schema: dict, header: list[str], row: list[str]) -> list[str]:
    """Errors of one row ('colonne : problème'); the header must list the schema's fields in order."""
    names = [f["name"] for f in schema["fields"]]
    if header != names:
        return [f"en-tête {header} au lieu de {names}"]
    if len(row) != len(names):
        return [f"{len(row)} valeurs au lieu de {len(names)}"]
    missing = set(schema.get("missingValues", [""]))
    errors = []
    for field, text in zip(schema["fields"], row, strict=True):
        if text in missing:
            if field.get("constraints", {}).get("required"):
                errors.append(f"{field['name']} : valeur obligatoire")
            continue
        try:
            value = _typed(field, text)
        except (ValueError, InvalidOperation) as error:
            errors.append(f"{field['name']} : {error} ({text!r})")
            continue
        errors += [
            f"{field['name']} : {e} ({text!r})" for e in _constraint_errors(field, text, value)
        ]
    return errors
