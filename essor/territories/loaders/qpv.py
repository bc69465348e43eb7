"""QPV contours from an ANCT GeoJSON file (quartiers prioritaires de la politique de la ville).

Property names vary by vintage; these are recognised, case-insensitively, first match wins:
- code: code_qp, code_quartier, qp_code, codeqp, cod_qp, code_qpv
- name: nom_qp, lib_qp, libelle_qp, nom_quartier, lib_quartier, nom, libelle
- communes (one code, a list or a comma/semicolon string): code_commune, insee_com, code_insee,
  codes_insee, insee_commune, depcom, code_com, codgeo
- population (optional): pop_mun, population, pop

The generation comes from the code prefix (QP… → 2015, QN… → 2024) unless given. Communes come
from the commune property when present (arrondissements and old codes resolve to the current
commune), otherwise from the intersection with the stored commune contours.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from essor.lib.text import fold
from essor.territories import geometry
from essor.territories.loaders.records import ReferentialError
from essor.territories.lookup import commune_index
from essor.territories.models import Commune, Qpv

CODE_PROPERTIES = ("code_qp", "code_quartier", "qp_code", "codeqp", "cod_qp", "code_qpv")
NAME_PROPERTIES = (
    "nom_qp",
    "lib_qp",
    "libelle_qp",
    "nom_quartier",
    "lib_quartier",
    "nom",
    "libelle",
)
COMMUNE_PROPERTIES = (
    "code_commune",
    "insee_com",
    "code_insee",
    "codes_insee",
    "insee_commune",
    "depcom",
    "code_com",
    "codgeo",
)
POPULATION_PROPERTIES = ("pop_mun", "population", "pop")
GENERATIONS = {"QP": 2015, "QN": 2024}
COMMUNE_CODE = re.compile(r"\b(\d[\dAB]\d{3})\b")
# Share of a QPV's area that must fall in a commune to link them by intersection.
MIN_SHARE = 0.01


@dataclass
class QpvRecord:
    code: str
    name: str
    generation: int
    geometry: shapely.Geometry | None
    commune_codes: list[str] = field(default_factory=list)
    population: int | None = None


def first(properties: dict, names: tuple[str, ...]):
    return next((properties[n] for n in names if properties.get(n) not in (None, "")), None)


def commune_codes(raw) -> list[str]:
    if raw is None:
        return []
    values = raw if isinstance(raw, list) else [raw]
    return sorted({m for v in values for m in COMMUNE_CODE.findall(str(v).upper())})


def read_qpvs(path: Path, features: list[dict], generation: int | None) -> list[QpvRecord]:
    """QPV records of `features`; raises ReferentialError on the first unusable feature."""
    if not features:
        raise ReferentialError(f"{path} : aucun objet (feature) dans le fichier.")
    records = []
    shapes = geometry.from_geojson_dicts([f.get("geometry") for f in features])
    for position, (feature, shape) in enumerate(zip(features, shapes, strict=True), start=1):
        properties = {k.lower(): v for k, v in (feature.get("properties") or {}).items()}
        code = first(properties, CODE_PROPERTIES)
        if code is None:
            raise ReferentialError(
                f"{path}, objet n° {position} : aucune propriété de code de quartier "
                f"(attendu l'une de {', '.join(CODE_PROPERTIES)}, sans tenir compte de la casse ; "
                f"trouvé : {', '.join(sorted(properties)) or 'aucune propriété'})."
            )
        code = str(code).strip().upper()
        found = generation or GENERATIONS.get(code[:2])
        if found is None:
            raise ReferentialError(
                f"{path}, objet n° {position} : génération inconnue pour le code « {code} » "
                "(attendu QP… pour 2015 ou QN… pour 2024) ; précisez --generation."
            )
        population = first(properties, POPULATION_PROPERTIES)
        records.append(
            QpvRecord(
                code=code,
                name=str(first(properties, NAME_PROPERTIES) or code),
                generation=found,
                geometry=shape,
                commune_codes=commune_codes(first(properties, COMMUNE_PROPERTIES)),
                population=int(float(population)) if population not in (None, "") else None,
            )
        )
    return records


def link_communes(records: list[QpvRecord]) -> dict[str, list[str]]:
    """{QPV code: current commune codes}, from the file's property or by intersection."""
    index = commune_index()
    links = {}
    for record in records:
        resolved = {index[c].commune_code for c in record.commune_codes if c in index}
        links[record.code] = sorted(resolved)
    missing = [r for r in records if not links[r.code] and r.geometry is not None]
    if missing:
        links.update(intersect_communes(missing))
    return links


def intersect_communes(records: list[QpvRecord]) -> dict[str, list[str]]:
    """Links QPV to the current communes whose stored contour covers part of them."""
    west, south, east, north = shapely.total_bounds([r.geometry for r in records])
    margin = 0.3
    rows = list(
        Commune.objects.filter(
            kind="COM",
            lat__gte=south - margin,
            lat__lte=north + margin,
            lon__gte=west - margin,
            lon__lte=east + margin,
        )
        .exclude(geometry="")
        .values_list("code", "geometry")
    )
    if not rows:
        return {}
    codes = np.array([code for code, _ in rows], dtype=object)
    shapes = shapely.make_valid(shapely.from_geojson([text for _, text in rows]))
    tree = shapely.STRtree(shapes)
    links = {}
    for record in records:
        candidates = tree.query(record.geometry, predicate="intersects")
        area = record.geometry.area or 1.0
        shares = shapely.area(shapely.intersection(shapes[candidates], record.geometry)) / area
        links[record.code] = sorted(codes[candidates[shares >= MIN_SHARE]].tolist())
    return links


def save_qpvs(records: list[QpvRecord], source: str) -> dict[str, int]:
    """Upserts the QPV and replaces their commune links; returns counts."""
    links = link_communes(records)
    shapes = geometry.as_array(r.geometry for r in records)
    fields = geometry.shape_fields(
        shapes, geometry.AGGREGATE_TOLERANCE["qpv"], geometry.AGGREGATE_MAX_BYTES["qpv"]
    )
    full = [geometry.to_geojson(r.geometry) for r in records]
    existing = set(
        Qpv.objects.filter(code__in=[r.code for r in records]).values_list("pk", flat=True)
    )
    rows = [
        Qpv(
            code=r.code,
            name=r.name,
            search_name=fold(r.name),
            population=r.population,
            generation=r.generation,
            source=source[:500],
            full_geometry=text,
            **f,
        )
        for r, f, text in zip(records, fields, full, strict=True)
    ]
    update = ["name", "search_name", "population", "generation", "source", "full_geometry"]
    Qpv.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[*update, "geometry", "lat", "lon", "bbox"],
    )
    through = Qpv.communes.through
    through.objects.filter(qpv_id__in=list(links)).delete()
    known = set(Commune.objects.values_list("code", flat=True))
    pairs = [
        through(qpv_id=code, commune_id=commune)
        for code, communes in links.items()
        for commune in communes
        if commune in known
    ]
    through.objects.bulk_create(pairs, batch_size=1000)
    return {
        "qpv": len(rows),
        "created": len(rows) - len(existing),
        "updated": len(existing),
        "commune_links": len(pairs),
        "without_commune": sum(1 for communes in links.values() if not communes),
    }
