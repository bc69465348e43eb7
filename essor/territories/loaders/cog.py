"""The referential from official files given by path or URL.

`--cog` files are those of the npm package `@etalab/decoupage-administratif` (data/ folder), plain
or gzipped:
- `communes.json`: array of {code, nom, type, departement, region, siren, codesPostaux, population,
  anciensCodes, chefLieu, commune}; `type` is commune-actuelle, arrondissement-municipal (parent in
  `commune`), commune-deleguee or commune-associee (current commune in `chefLieu`);
- `epci.json`: array of {code (SIREN), nom, type (CC, CA, CU, METRO, MET69), membres: [{code}]};
- `departements.json`: array of {code, nom, region}; `regions.json`: array of {code, nom};
- optional `collectivites_departementales_siren.csv` / `collectivites_regionales_siren.csv`
  (columns Siren, Insee): SIREN of the conseils départementaux / régionaux.

`--contours` files are GeoJSON FeatureCollections (WGS84) whose features carry a `code` property:
`communes.geojson`, `arrondissements_municipaux.geojson`, `epci.geojson` (code = SIREN),
`departements.geojson`, `regions.geojson`, plain or gzipped. A directory means the files inside;
a single file or URL is recognised by its name.

A URL ending with "/" (or naming one of the files) is a base URL: each file above is fetched from
it (plain, then .gz), e.g. https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/.
"""

import csv
import io
from pathlib import Path

from essor.territories import geometry
from essor.territories.enums import AliasKind, CommuneKind
from essor.territories.loaders import files
from essor.territories.loaders.datafrance import EPCI_NATURES
from essor.territories.loaders.records import (
    AliasRecord,
    CommuneRecord,
    DepartementRecord,
    EpciRecord,
    Referential,
    ReferentialError,
    RegionRecord,
)

COMMUNES_EXPECTED = "un tableau JSON de communes decoupage-administratif (code, nom, type…)"
ALIAS_TYPES = {"commune-deleguee": AliasKind.DELEGUEE, "commune-associee": AliasKind.ASSOCIEE}
CONTOUR_FILES = {
    "commune": ("communes.geojson", "arrondissements_municipaux.geojson"),
    "epci": ("epci.geojson",),
    "departement": ("departements.geojson",),
    "region": ("regions.geojson",),
}
COG_FILES = [
    "communes.json",
    "epci.json",
    "departements.json",
    "regions.json",
    "collectivites_departementales_siren.csv",
    "collectivites_regionales_siren.csv",
]
CODE_PROPERTIES = ("code", "code_insee", "insee", "codgeo", "siren")


def required_file(directory: Path, stem: str) -> Path:
    found = files.find_file(directory, stem)
    if found is None:
        raise ReferentialError(
            f"Fichier {stem} (ou {stem}.gz) absent de {directory} : attendu les fichiers du "
            "paquet @etalab/decoupage-administratif (communes.json, epci.json, "
            "departements.json, regions.json)."
        )
    return found


def read_referential(location: str) -> Referential:
    with files.local_folder(location, COG_FILES) as directory:
        ref = Referential(source=f"cog:{location}")
        read_regions_and_departements(ref, directory)
        read_epcis(ref, directory)
        read_communes(ref, directory)
    return ref


def read_regions_and_departements(ref: Referential, directory: Path) -> None:
    regions = files.read_json_list(
        required_file(directory, "regions.json"), "un tableau JSON de régions", {"code", "nom"}
    )
    sirens = read_sirens(directory, "collectivites_regionales_siren.csv")
    for r in regions:
        ref.regions[r["code"]] = RegionRecord(r["code"], r["nom"], sirens.get(r["code"], ""))
    departements = files.read_json_list(
        required_file(directory, "departements.json"),
        "un tableau JSON de départements (code, nom, region)",
        {"code", "nom", "region"},
    )
    sirens = read_sirens(directory, "collectivites_departementales_siren.csv")
    for d in departements:
        if d["region"] not in ref.regions:
            raise ReferentialError(
                f"departements.json : la région {d['region']} du département {d['code']} "
                "est absente de regions.json."
            )
        ref.departements[d["code"]] = DepartementRecord(
            d["code"], d["nom"], d["region"], sirens.get(d["code"], "")
        )


def read_sirens(directory: Path, name: str) -> dict[str, str]:
    """{INSEE code: SIREN} from an optional CSV with columns Siren and Insee."""
    path = files.find_file(directory, name)
    if path is None:
        return {}
    with files.open_binary(path) as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        if not {"Siren", "Insee"} <= set(reader.fieldnames or ()):
            raise ReferentialError(f"Colonnes Siren et Insee attendues dans {path}.")
        return {row["Insee"]: row["Siren"] for row in reader}


def read_epcis(ref: Referential, directory: Path) -> None:
    path = required_file(directory, "epci.json")
    epcis = files.read_json_list(
        path, "un tableau JSON d'EPCI (code, nom, type, membres)", {"code", "nom", "type"}
    )
    ref.epci_of = {}
    for e in epcis:
        nature = EPCI_NATURES.get(e["type"])
        if nature is None:
            raise ReferentialError(
                f"{path} : nature d'EPCI inconnue « {e['type']} » pour {e['code']} "
                f"(attendu l'une de {', '.join(sorted(EPCI_NATURES))})."
            )
        ref.epcis[e["code"]] = EpciRecord(e["code"], e["nom"], nature)
        for member in e.get("membres") or []:
            ref.epci_of[member["code"]] = e["code"]


def read_communes(ref: Referential, directory: Path) -> None:
    path = required_file(directory, "communes.json")
    rows = files.read_json_list(path, COMMUNES_EXPECTED, {"code", "nom", "type"})
    epci_of = ref.__dict__.pop("epci_of", {})
    current = [r for r in rows if r["type"] == "commune-actuelle"]
    for row in current:
        ref.communes[row["code"]] = CommuneRecord(
            code=row["code"],
            name=row["nom"],
            kind=CommuneKind.COMMUNE,
            departement_code=departement_of(row, ref, path),
            epci_siren=epci_of.get(row["code"], ""),
            siren=row.get("siren") or "",
            population=row.get("population"),
            postal_codes=sorted(row.get("codesPostaux") or []),
        )
    for row in rows:
        if row["type"] == "arrondissement-municipal":
            parent = ref.communes.get(row.get("commune", ""))
            if parent is None:
                continue
            ref.communes[row["code"]] = CommuneRecord(
                code=row["code"],
                name=row["nom"],
                kind=CommuneKind.ARRONDISSEMENT,
                departement_code=parent.departement_code,
                parent_code=parent.code,
                epci_siren=parent.epci_siren,
                population=row.get("population"),
                postal_codes=sorted(row.get("codesPostaux") or []),
            )
        elif row["type"] in ALIAS_TYPES and row.get("chefLieu") in ref.communes:
            if row["code"] not in ref.communes:
                ref.aliases[row["code"]] = AliasRecord(
                    row["code"], row["nom"], ALIAS_TYPES[row["type"]], row["chefLieu"]
                )
    for row in current:
        for old in row.get("anciensCodes") or []:
            if old not in ref.communes and old not in ref.aliases:
                ref.aliases[old] = AliasRecord(
                    old, f"{row['nom']} (ancien code)", AliasKind.PASSAGE, row["code"]
                )


def departement_of(row: dict, ref: Referential, path: Path) -> str:
    code = row.get("departement", "")
    if code not in ref.departements:
        raise ReferentialError(
            f"{path} : le département « {code} » de la commune {row['code']} est absent de "
            "departements.json."
        )
    return code


def read_contours(ref: Referential, location: str) -> None:
    """Adds the geometries of the contour files at `location` to `ref.geometries`."""
    stems = [stem for names in CONTOUR_FILES.values() for stem in names]
    single_file = str(location).endswith((".geojson", ".geojson.gz", ".json", ".json.gz"))
    opener = files.local_path(location) if single_file else files.local_folder(location, stems)
    with opener as path:
        if path.is_dir():
            found = [
                (kind, f)
                for kind, stems in CONTOUR_FILES.items()
                for stem in stems
                if (f := files.find_file(path, stem))
            ]
        else:
            found = [(kind_of_contour_file(path), path)]
        if not found:
            raise ReferentialError(
                f"Aucun fichier de contours dans {path} : attendu communes.geojson[.gz], "
                "epci.geojson[.gz], departements.geojson ou regions.geojson."
            )
        for kind, contour_path in found:
            ref.geometries.setdefault(kind, {}).update(read_contour_file(contour_path))


def kind_of_contour_file(path: Path) -> str:
    for kind, stems in CONTOUR_FILES.items():
        if any(path.name.startswith(stem.split(".")[0]) for stem in stems):
            return kind
    raise ReferentialError(
        f"Fichier de contours non reconnu : {path.name} (attendu communes, "
        "arrondissements_municipaux, epci, departements ou regions .geojson)."
    )


def read_contour_file(path: Path) -> dict:
    features = files.read_features(path)
    codes = []
    for position, feature in enumerate(features):
        properties = {k.lower(): v for k, v in (feature.get("properties") or {}).items()}
        code = next((properties[p] for p in CODE_PROPERTIES if properties.get(p)), None)
        if code is None:
            raise ReferentialError(
                f"{path}, objet n° {position + 1} : aucune propriété de code "
                f"({', '.join(CODE_PROPERTIES)})."
            )
        codes.append(str(code))
    shapes = geometry.from_geojson_dicts([f.get("geometry") for f in features])
    return {c: g for c, g in zip(codes, shapes, strict=True) if g is not None}
