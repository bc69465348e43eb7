"""The whole search state as a query string (shareable URL), parsed and validated.

    ?q=epicerie&famille=association&famille=cooperative&theme=alimentation_durable
    &label=esus&employeur=oui&taille=1&region=52&departement=44&epci=244400404
    &commune=44109&qpv=oui&etat=ouvert&autour=44000&rayon=5&bbox=-1.7,47.1,-1.4,47.3
    &zone=1&page=2

`territoire=<kind>:<code>` (the widget's fixed territory: commune, epci, departement, region,
qpv, perimeter) is accepted too. Unknown values are dropped with a French message in `errors`:
the page shows it and keeps everything else.
"""

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.http import QueryDict

from essor.directory.search import facets as fx

MAX_QUERY = 200
MAX_RADIUS_KM = 100
DEFAULT_RADIUS_KM = 10
PAGE_SIZE = 20
MAX_PAGE = 500

MULTI = ("famille", "categorie", "secteur", "theme", "label", "taille")
TERRITORY_KEYS = ("region", "departement", "epci", "commune")
TERRITORY_PATTERNS = {
    "region": re.compile(r"^\d{2}$"),
    "departement": re.compile(r"^(\d{2,3}|2[AB])$"),
    "epci": re.compile(r"^\d{9}$"),
    "commune": re.compile(r"^(\d{5}|2[AB]\d{3})$"),
}
YES_NO = {"oui": True, "non": False}
STATES = {"ouvert": True, "ferme": False}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    famille: tuple[str, ...] = ()
    categorie: tuple[str, ...] = ()
    secteur: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    label: tuple[str, ...] = ()
    taille: tuple[str, ...] = ()
    employeur: bool | None = None
    qpv: bool | None = None
    etat: bool | None = None
    region: tuple[str, ...] = ()
    departement: tuple[str, ...] = ()
    epci: tuple[str, ...] = ()
    commune: tuple[str, ...] = ()
    territoire: str = ""  # "<kind>:<code>", fixed by the widget
    autour: str = ""  # a commune code, a postal code or a commune name
    rayon: int = DEFAULT_RADIUS_KM
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    zone: bool = False  # filter the list by the map viewport (bbox)
    page: int = 1
    errors: tuple[str, ...] = field(default=(), compare=False)

    def to_query(self, **changes) -> str:
        """The query string of these params (with `changes`), in a stable order, defaults left
        out."""
        params = replace(self, **changes) if changes else self
        pairs: list[tuple[str, str]] = []
        if params.q:
            pairs.append(("q", params.q))
        for key in MULTI + TERRITORY_KEYS:
            pairs += [(key, value) for value in getattr(params, key)]
        for key, mapping in (("employeur", YES_NO), ("qpv", YES_NO), ("etat", STATES)):
            value = getattr(params, key)
            if value is not None:
                pairs.append((key, next(k for k, v in mapping.items() if v is value)))
        if params.territoire:
            pairs.append(("territoire", params.territoire))
        if params.autour:
            pairs.append(("autour", params.autour))
            if params.rayon != DEFAULT_RADIUS_KM:
                pairs.append(("rayon", str(params.rayon)))
        if params.bbox:
            pairs.append(("bbox", ",".join(f"{v:.5f}" for v in params.bbox)))
        if params.zone:
            pairs.append(("zone", "1"))
        if params.page > 1:
            pairs.append(("page", str(params.page)))
        return urlencode(pairs)


def _allowed(key: str) -> dict[str, str] | None:
    """Accepted values of a multi-valued facet (None: checked by pattern)."""
    if key == "famille":
        return fx.FAMILY_LABELS
    if key == "theme":
        return fx.THEME_LABELS
    if key == "label":
        return fx.LABEL_LABELS
    if key == "taille":
        return dict(fx.SIZE_BANDS)
    if key == "secteur":
        return fx.sector_labels()
    return None


def parse(query: QueryDict | dict) -> SearchParams:
    if not isinstance(query, QueryDict):
        data = QueryDict(mutable=True)
        for key, value in query.items():
            data.setlist(key, value if isinstance(value, list | tuple) else [value])
        query = data
    errors: list[str] = []
    values: dict = {}
    q = " ".join((query.get("q") or "").split())
    if len(q) > MAX_QUERY:
        errors.append(f"La recherche est limitée à {MAX_QUERY} caractères : elle a été coupée.")
        q = q[:MAX_QUERY]
    values["q"] = q
    for key in MULTI:
        allowed = _allowed(key)
        kept = []
        for value in dict.fromkeys(v.strip() for v in query.getlist(key) if v.strip()):
            ok = (
                value in allowed
                if allowed is not None
                else bool(re.fullmatch(r"\d{2}", value))  # catégorie juridique, niveau 2
            )
            if ok:
                kept.append(value)
            else:
                errors.append(f"Valeur inconnue ignorée pour « {key} » : {value[:40]}")
        values[key] = tuple(kept)
    for key in TERRITORY_KEYS:
        kept = []
        for value in dict.fromkeys(v.strip().upper() for v in query.getlist(key) if v.strip()):
            if TERRITORY_PATTERNS[key].match(value):
                kept.append(value)
            else:
                errors.append(f"Code de territoire invalide ignoré ({key}) : {value[:40]}")
        values[key] = tuple(kept)
    for key, mapping in (("employeur", YES_NO), ("qpv", YES_NO), ("etat", STATES)):
        raw = (query.get(key) or "").strip().lower()
        if raw and raw not in mapping:
            errors.append(f"Valeur inconnue ignorée pour « {key} » : {raw[:40]}")
        values[key] = mapping.get(raw)
    territoire = (query.get("territoire") or "").strip()
    if territoire:
        kind, _, code = territoire.partition(":")
        if kind in {"commune", "epci", "departement", "region", "qpv", "perimeter"} and code:
            values["territoire"] = f"{kind}:{code}"
        else:
            errors.append("Territoire invalide ignoré : écrivez par exemple epci:244400404.")
    values["autour"] = (query.get("autour") or "").strip()[:100]
    values["rayon"] = _int(query.get("rayon"), DEFAULT_RADIUS_KM, 1, MAX_RADIUS_KM, "rayon", errors)
    values["page"] = _int(query.get("page"), 1, 1, MAX_PAGE, "page", errors)
    bbox = (query.get("bbox") or "").strip()
    values["bbox"] = None
    if bbox:
        values["bbox"] = parse_bbox(bbox)
        if values["bbox"] is None:
            errors.append("Zone de carte invalide ignorée (attendu : ouest,sud,est,nord).")
    values["zone"] = (query.get("zone") or "") in {"1", "on", "oui"} and bool(values["bbox"])
    return SearchParams(**values, errors=tuple(errors))


def parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(x) for x in text.split(","))
    except ValueError:
        return None
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -85.0), min(north, 85.0)
    if not (west < east and south < north):
        return None
    return west, south, east, north


def _int(raw, default: int, low: int, high: int, key: str, errors: list[str]) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        errors.append(f"Nombre attendu pour « {key} » : valeur ignorée.")
        return default
    return min(max(value, low), high)
