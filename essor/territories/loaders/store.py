"""Writes a `Referential` into the database: bulk upserts keyed on the codes, so that a second
run updates rows in place and the tables that point to communes keep their links.

Rows that vanished from the source (within the loaded scope) are deleted only when no other row
refers to them; the others are kept and counted as `kept_stale_*`.
"""

from collections.abc import Callable, Iterable

from django.db import models

from essor.lib.text import fold
from essor.territories import geometry
from essor.territories.enums import CommuneKind
from essor.territories.loaders.records import Referential
from essor.territories.models import Commune, CommuneAlias, Departement, Epci, Region

BATCH_SIZE = 1000
SHAPE_FIELDS = ["name", "search_name", "population", "geometry", "lat", "lon", "bbox"]
Progress = Callable[[Iterable, str, int], Iterable]


def no_progress(items: Iterable, label: str, total: int) -> Iterable:
    return items


def upsert(model: type[models.Model], rows: list[models.Model], fields: list[str]) -> int:
    pk = model._meta.pk.name
    model.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=[pk],
        update_fields=fields,
    )
    return len(rows)


def shapes(ref: Referential, kind: str, codes: list[str], progress: Progress) -> list[dict]:
    """Shape fields of `codes` (in that order) from `ref.geometries[kind]`."""
    known = ref.geometries.get(kind, {})
    geoms = geometry.as_array(known.get(code) for code in codes)
    if kind == "commune":
        tolerance, max_bytes = geometry.COMMUNE_TOLERANCE, geometry.COMMUNE_MAX_BYTES
    else:
        tolerance = geometry.AGGREGATE_TOLERANCE[kind]
        max_bytes = geometry.AGGREGATE_MAX_BYTES[kind]
    fields: list[dict] = []
    chunk = 2000
    starts = range(0, len(codes), chunk)
    for start in progress(starts, f"contours {kind}", len(starts)):
        fields.extend(geometry.shape_fields(geoms[start : start + chunk], tolerance, max_bytes))
    return fields


def shape_values(name: str, population: int | None, fields: dict) -> dict:
    return {"name": name, "search_name": fold(name), "population": population, **fields}


def save_referential(
    ref: Referential, *, scope: set[str] | None = None, progress: Progress = no_progress
) -> dict[str, int]:
    """Upserts régions, départements, EPCI, communes and aliases; returns counts.

    `scope` is the set of département codes loaded (None: all of France); stale rows are only
    looked for inside it."""
    counts: dict[str, int] = {}
    populations = ref.populations

    codes = sorted(ref.regions)
    rows = [
        Region(
            code=code,
            siren=ref.regions[code].siren,
            **shape_values(ref.regions[code].name, populations.get("region", {}).get(code), f),
        )
        for code, f in zip(codes, shapes(ref, "region", codes, progress), strict=True)
    ]
    counts["regions"] = upsert(Region, rows, [*SHAPE_FIELDS, "siren"])

    codes = sorted(ref.departements)
    rows = []
    for code, f in zip(codes, shapes(ref, "departement", codes, progress), strict=True):
        record = ref.departements[code]
        population = populations.get("departement", {}).get(code)
        rows.append(
            Departement(
                code=code,
                region_id=record.region_code,
                siren=record.siren,
                **shape_values(record.name, population, f),
            )
        )
    counts["departements"] = upsert(Departement, rows, [*SHAPE_FIELDS, "region", "siren"])

    sirens = sorted(ref.epcis)
    rows = []
    for siren, f in zip(sirens, shapes(ref, "epci", sirens, progress), strict=True):
        record = ref.epcis[siren]
        population = populations.get("epci", {}).get(siren)
        rows.append(
            Epci(siren=siren, nature=record.nature, **shape_values(record.name, population, f))
        )
    counts["epcis"] = upsert(Epci, rows, [*SHAPE_FIELDS, "nature"])

    counts.update(save_communes(ref, progress))
    counts.update(delete_stale(ref, scope))
    return counts


def save_communes(ref: Referential, progress: Progress) -> dict[str, int]:
    # Current communes first, so that arrondissements find their parent.
    codes = sorted(ref.communes, key=lambda c: (ref.communes[c].kind != CommuneKind.COMMUNE, c))
    fields = shapes(ref, "commune", codes, progress)
    rows = []
    for code, f in zip(codes, fields, strict=True):
        record = ref.communes[code]
        rows.append(
            Commune(
                code=code,
                kind=record.kind,
                parent_id=record.parent_code or None,
                siren=record.siren,
                departement_id=record.departement_code,
                epci_id=record.epci_siren or None,
                postal_codes=" ".join(record.postal_codes)[:200],
                **shape_values(record.name, record.population, f),
            )
        )
    update = [*SHAPE_FIELDS, "kind", "parent", "siren", "departement", "epci", "postal_codes"]
    saved = 0
    for start in progress(range(0, len(rows), BATCH_SIZE), "communes", -(-len(rows) // BATCH_SIZE)):
        saved += upsert(Commune, rows[start : start + BATCH_SIZE], update)
    aliases = [
        CommuneAlias(code=a.code, name=a.name, kind=a.kind, commune_id=a.commune_code)
        for a in ref.aliases.values()
    ]
    return {
        "communes": saved,
        "aliases": upsert(CommuneAlias, aliases, ["name", "kind", "commune"]),
    }


def unreferenced(model: type[models.Model], pks: set[str], ignore: set[str]) -> set[str]:
    """The `pks` that no row of another table (or of a relation not in `ignore`) refers to."""
    free = set(pks)
    for relation in model._meta.related_objects:
        if not free or relation.get_accessor_name() in ignore:
            continue
        lookup = f"{relation.name}__isnull"
        referenced = model.objects.filter(pk__in=free, **{lookup: False}).values_list(
            "pk", flat=True
        )
        free -= set(referenced)
    return free


def delete_stale(ref: Referential, scope: set[str] | None) -> dict[str, int]:
    """Deletes rows absent from the source, inside `scope`, when nothing refers to them."""
    counts = {}
    in_scope = {} if scope is None else {"departement__in": scope}
    targets = [
        (CommuneAlias, set(ref.aliases), {"commune__departement__in": scope} if scope else {}),
        (Commune, set(ref.communes), in_scope),
        (Epci, set(ref.epcis), {"communes__departement__in": scope} if scope else {}),
    ]
    if scope is None:
        targets += [(Departement, set(ref.departements), {}), (Region, set(ref.regions), {})]
    for model, present, filters in targets:
        existing = set(model.objects.filter(**filters).values_list("pk", flat=True))
        stale = existing - present
        free = unreferenced(model, stale, ignore={"aliases"}) if stale else set()
        for start in range(0, len(free), BATCH_SIZE):
            chunk = sorted(free)[start : start + BATCH_SIZE]
            model.objects.filter(pk__in=chunk).delete()
        name = model._meta.model_name
        counts[f"deleted_{name}"] = len(free)
        counts[f"kept_stale_{name}"] = len(stale) - len(free)
    return {k: v for k, v in counts.items() if v}
