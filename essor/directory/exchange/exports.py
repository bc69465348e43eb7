"""Exports of the directory: a search result as CSV, XLSX or GeoJSON with the columns chosen
(`colonnes=`), the GoGoCarto-compatible feed, and the full open-data dump.

Everything goes through `records.PublicRecord`, which holds public fields only (see records.py:
no private custom field, no street or point under partial diffusion).

GoGoCarto feed (`/annuaire/gogocarto.json`), read by GoGoCarto maps (Carteco, Transiscope) as a
« source externe » in JSON; one element per actor, the fields they consume:

| element field | from |
|---|---|
| `id` | actor slug, or SIREN of a Sirene legal unit without contributed data |
| `name` | name |
| `geo.latitude`, `geo.longitude` | the actor's point; the commune centroid under partial diffusion or when no point is known (then `geoPrecision` = « commune ») |
| `address.streetAddress` | street (empty under partial diffusion) |
| `address.postalCode`, `address.addressLocality`, `address.addressCountry` | postal code, commune name, « FR » |
| `categories` | labels, themes and ESS family, as French names |
| `description`, `website`, `email`, `telephone`, `openHours` | contributed public values |
| `siret`, `siren`, `codeInsee` | identifiers (custom fields for GoGoCarto) |
| `status` | 1 (validated: only public actors are in the feed) |
| `sourceKey` | « essor » |
| `url` | page of the actor on this site |
| `updatedAt` | date of the last change |

Pages of `limite` actors (default 500, at most 2000) with `page=`; the answer gives `total` (the
actors found), `page`, `pages` and `next`. An actor with no position at all (no point, no
commune) is left out of its page, since a map cannot place it.
"""

import csv
import io
import json
import math
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.directory.enums import Label
from essor.directory.exchange.records import COLUMNS, PublicRecord
from essor.ess.enums import EssFamily
from essor.ess.themes import Theme
from essor.territories.models import Commune

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON = "application/geo+json"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FEED_PAGE = 500
FEED_MAX_PAGE = 2000


def record_url(record: PublicRecord) -> str:
    """The actor's page on this site (path), or "" if the directory pages are not installed.
    A Sirene legal unit without actor row has its page under its SIREN."""
    try:
        return reverse("directory:actor_detail", args=[record.slug or record.siren])
    except NoReverseMatch:
        return ""


def table(records, chosen: list[str]) -> tuple[list[str], list[list]]:
    header = [str(COLUMNS[c][0]) for c in chosen]
    rows = [[COLUMNS[c][1](r) for c in chosen] for r in records]
    return header, rows


def _plain(value):
    return "" if value is None else value


def csv_bytes(records, chosen) -> bytes:
    header, rows = table(records, chosen)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_plain(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(records, chosen) -> bytes:
    from openpyxl import Workbook

    header, rows = table(records, chosen)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Acteurs"
    sheet.append(header)
    for row in rows:
        sheet.append([_plain(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def geojson_document(records, chosen) -> dict:
    """A FeatureCollection; partial diffusion or unknown point: geometry null, the commune in
    the properties."""
    features = []
    properties_of = [(c, COLUMNS[c][1]) for c in chosen if c not in ("latitude", "longitude")]
    for record in records:
        geometry = None
        if record.lat is not None and record.lon is not None:
            geometry = {"type": "Point", "coordinates": [record.lon, record.lat]}
        features.append(
            {
                "type": "Feature",
                "id": record.key,
                "geometry": geometry,
                "properties": {name: _plain(get(record)) for name, get in properties_of},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def download(records, chosen: list[str], fmt: str, name: str = "annuaire-ess") -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(records, chosen), content_type=XLSX)
    elif fmt == "geojson":
        body = json.dumps(geojson_document(records, chosen), ensure_ascii=False)
        response = HttpResponse(body.encode("utf-8"), content_type=GEOJSON)
    else:
        response = HttpResponse(csv_bytes(records, chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# GoGoCarto feed ----------------------------------------------------------------------------
def _category_names(record: PublicRecord) -> list[str]:
    labels, themes = dict(Label.choices), dict(Theme.choices)
    names = [str(labels.get(v, v)) for v in record.labels]
    names += [str(themes.get(v, v)) for v in record.themes]
    families = dict(EssFamily.choices)
    if record.family in families and record.family != EssFamily.OUTSIDE:
        names.append(str(families[record.family]))
    return names


def gogocarto_element(record: PublicRecord, centroids: dict, base_url: str = "") -> dict | None:
    precision = "adresse"
    lat, lon = record.lat, record.lon
    if lat is None or lon is None:
        lat, lon = centroids.get(record.commune_code, (None, None))
        precision = "commune"
    if lat is None or lon is None:
        return None
    url = record_url(record)
    return {
        "id": record.key,
        "name": record.name,
        "geo": {"latitude": round(lat, 6), "longitude": round(lon, 6)},
        "geoPrecision": precision,
        "address": {
            "streetAddress": record.address,
            "postalCode": record.postal_code,
            "addressLocality": record.commune_name,
            "addressCountry": "FR",
        },
        "categories": _category_names(record),
        "description": record.description,
        "website": record.website,
        "email": record.email,
        "telephone": record.phone,
        "openHours": record.opening_hours,
        "siret": record.siret,
        "siren": record.siren,
        "codeInsee": record.commune_code,
        "status": 1,
        "sourceKey": "essor",
        "url": (base_url + url) if url else "",
        "updatedAt": record.updated_at,
    }


def _centroids(records) -> dict:
    codes = {r.commune_code for r in records if r.commune_code and r.lat is None}
    return {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.filter(code__in=codes).values_list(
            "code", "lat", "lon"
        )
    }


def gogocarto_feed(records, *, page: int, per_page: int, page_url, base_url: str = "") -> dict:
    """One page of the feed; `page_url(n)` builds the link to page n."""
    total = len(records)
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chosen = records[start : start + per_page]
    centroids = _centroids(chosen)
    elements = [e for r in chosen if (e := gogocarto_element(r, centroids, base_url))]
    return {
        "licence": LICENCE,
        "licenceUrl": LICENCE_URL,
        "ontology": "gogofull",
        "source": "essor",
        "generatedAt": timezone.now().isoformat(timespec="seconds"),
        "total": total,
        "page": page,
        "pages": pages,
        "next": page_url(page + 1) if page < pages else None,
        "data": elements,
    }


def gogocarto_response(feed: dict) -> JsonResponse:
    response = JsonResponse(feed, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # read by maps hosted elsewhere
    return response


# Open-data dump ----------------------------------------------------------------------------
DUMP_FILES = {
    "annuaire-ess.csv": _("Tous les acteurs, une ligne par acteur (CSV UTF-8, virgule)"),
    "annuaire-ess.geojson": _("Les mêmes acteurs en GeoJSON (WGS84)"),
    "annuaire-ess.parquet": _("Les mêmes acteurs en Parquet (option --parquet)"),
    "LISEZMOI.md": _("Dictionnaire des données, licence et règles de confidentialité"),
}


def data_dictionary(count: int, generated: str, columns: list[str]) -> str:
    lines = [
        "# Annuaire des acteurs de l'ESS — données ouvertes",
        "",
        f"Généré le {generated} par essor ; {count} acteurs.",
        f"Licence : {LICENCE} ({LICENCE_URL}).",
        "",
        "Sources : base Sirene de l'Insee (unités légales et établissements du périmètre de "
        "l'ESS, import en cours) et données contribuées à l'annuaire, validées par les "
        "modérateur·rices des territoires.",
        "",
        "Confidentialité : seuls les champs publics figurent ici. Pour les structures en "
        "diffusion partielle dans Sirene, ni l'adresse (numéro et voie) ni les coordonnées ne "
        "sont publiées : la commune seulement (`localisation` = « commune », géométrie nulle dans "
        "le GeoJSON). Les champs personnalisés privés des organisations ne sont jamais exportés.",
        "",
        "## Colonnes",
        "",
        "| colonne | signification |",
        "|---|---|",
    ]
    for name in columns:
        lines.append(f"| `{name}` | {COLUMNS[name][0]} |")
    lines += [
        "",
        "`localisation` : « adresse » (point exact), « commune » (commune seulement) ou vide.",
        "`origine` : « annuaire » (fiche contribuée) ou « sirene » (données officielles seules).",
        "",
        "## Fichiers",
        "",
    ]
    for name, text in DUMP_FILES.items():
        lines.append(f"- `{name}` : {text}")
    return "\n".join(lines) + "\n"


def write_dump(records, out: Path, *, parquet: bool = False) -> dict[str, int]:
    """Writes the dump files into `out` (through temporary names, then renamed, so that the
    download page never serves a half-written file); returns {file name: size}."""
    out.mkdir(parents=True, exist_ok=True)
    records = list(records)
    columns = list(COLUMNS)
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    contents = {
        "annuaire-ess.csv": csv_bytes(records, columns),
        "annuaire-ess.geojson": json.dumps(
            geojson_document(records, columns), ensure_ascii=False
        ).encode("utf-8"),
        "LISEZMOI.md": data_dictionary(len(records), generated, columns).encode("utf-8"),
    }
    if parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        header, rows = table(records, columns)
        arrays = {
            name: [None if row[i] in ("", None) else row[i] for row in rows]
            for i, name in enumerate(columns)
        }
        types = {"latitude": pa.float64(), "longitude": pa.float64()}
        schema = pa.schema([(n, types.get(n, pa.string())) for n in columns])
        buffer = io.BytesIO()
        pq.write_table(pa.table(arrays, schema=schema), buffer)
        contents["annuaire-ess.parquet"] = buffer.getvalue()
    else:
        (out / "annuaire-ess.parquet").unlink(missing_ok=True)
    sizes = {}
    for name, data in contents.items():
        temporary = out / f".{name}.tmp"
        temporary.write_bytes(data)
        temporary.replace(out / name)
        sizes[name] = len(data)
    return sizes
