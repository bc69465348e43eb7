"""Load the INSEE nomenclatures into the database, and look labels up.

`load_nomenclatures` is called by `essor referentials load`; it is an idempotent upsert (rows
are created or updated, never deleted) in one transaction.
"""

import csv
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from essor.nomenclatures.models import LegalCategory, NafCode, WorkforceBand
from essor.nomenclatures.workforce import BANDS

DATA_DIR = Path(__file__).resolve().parent / "data"
NAF_PATH = DATA_DIR / "naf_rev2.csv"
CJ_PATH = DATA_DIR / "categories_juridiques.csv"


def _read(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, objects: list, fields: list[str]) -> tuple[int, int]:
    """Creates missing rows and updates changed ones, in the given order (parents first)."""
    existing = model.objects.in_bulk([obj.pk for obj in objects])
    new = [obj for obj in objects if obj.pk not in existing]
    changed = [
        obj
        for obj in objects
        if obj.pk in existing
        and any(getattr(obj, f) != getattr(existing[obj.pk], f) for f in fields)
    ]
    model.objects.bulk_create(new, batch_size=1000)
    model.objects.bulk_update(changed, fields, batch_size=1000)
    return len(new), len(changed)


def _naf_objects(path: Path) -> list[NafCode]:
    return [
        NafCode(
            code=row["code"],
            level=row["level"],
            label=row["label"],
            short_label=row["short_label"][:70],
            parent_id=row["parent"] or None,
            section=row["section"],
        )
        for row in _read(path)
    ]


def _cj_objects(path: Path) -> list[LegalCategory]:
    rows = sorted(_read(path), key=lambda row: int(row["level"]))
    return [
        LegalCategory(
            code=row["code"],
            level=int(row["level"]),
            label=row["label"],
            parent_id=row["parent"] or None,
        )
        for row in rows
    ]


def _band_objects() -> list[WorkforceBand]:
    return [
        WorkforceBand(
            code=band.code,
            label=band.label,
            minimum=band.minimum,
            maximum=band.maximum,
            midpoint=band.midpoint,
            rank=band.rank,
        )
        for band in BANDS
    ]


@transaction.atomic
def load_nomenclatures(naf_path=None, cj_path=None, stdout=None) -> dict[str, int]:
    """Upsert NafCode, LegalCategory and WorkforceBand; returns counts (rows, created, updated)."""
    counts: dict[str, int] = {}
    jobs = (
        ("naf_codes", NafCode, _naf_objects(Path(naf_path or NAF_PATH)),
         ["level", "label", "short_label", "parent_id", "section"]),
        ("legal_categories", LegalCategory, _cj_objects(Path(cj_path or CJ_PATH)),
         ["level", "label", "parent_id"]),
        ("workforce_bands", WorkforceBand, _band_objects(),
         ["label", "minimum", "maximum", "midpoint", "rank"]),
    )  # fmt: skip
    for name, model, objects, fields in jobs:
        created, updated = _upsert(model, objects, fields)
        counts[name] = len(objects)
        counts[f"{name}_created"] = created
        counts[f"{name}_updated"] = updated
        if stdout is not None:
            stdout.write(f"{name}={len(objects)} created={created} updated={updated}")
    clear_label_cache()
    transaction.on_commit(clear_label_cache)
    return counts


def normalise_naf(code: str | None) -> str:
    """Sirene's dotted form: `6201Z` → `62.01Z`, `6201` → `62.01`; other forms unchanged."""
    code = (code or "").strip().upper()
    if "." not in code and len(code) in (4, 5) and code[:4].isdigit():
        return f"{code[:2]}.{code[2:]}"
    return code


@lru_cache(maxsize=1)
def _naf_labels() -> dict[str, str]:
    labels = dict(NafCode.objects.values_list("code", "label"))
    return labels or {row["code"]: row["label"] for row in _read(NAF_PATH)}


@lru_cache(maxsize=1)
def _cj_labels() -> dict[str, str]:
    labels = dict(LegalCategory.objects.values_list("code", "label"))
    return labels or {row["code"]: row["label"] for row in _read(CJ_PATH)}


def clear_label_cache() -> None:
    _naf_labels.cache_clear()
    _cj_labels.cache_clear()


def naf_label(code: str | None, default: str = "") -> str:
    """Label of a NAF rév. 2 code at any level (`62.01Z`, `6201Z`, `62`, `J`)."""
    return _naf_labels().get(normalise_naf(code), default)


def legal_category_label(code: str | None, default: str = "") -> str:
    """Label of a catégorie juridique of any level (`9220`, `92`, `9`)."""
    return _cj_labels().get((code or "").strip(), default)
