"""The public record of an actor, the one shape every export, feed, API answer and alert uses.

`find(params)` answers the same query string as the directory's search page: it goes through the
search of `essor.directory.search` when that app provides `search(params)`; otherwise it reads
the actors (public statuses) and the ESS legal units of the current Sirene import that have no
actor row, with the filters below.

Privacy, applied here once so that no output can leak:
- only public fields: never private custom fields, never the contributors' e-mails, never
  moderation data;
- partial diffusion (`P`) of the legal unit or of its head office: no street and no coordinates,
  the commune only (`localisation` = « commune »), whatever their source.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essor.directory.enums import ActorKind, Label, LifeStage, ModerationStatus
from essor.ess.themes import Theme
from essor.lib.text import fold
from essor.sirene.models import Establishment, ImportRun, LegalUnit
from essor.territories.models import Commune

PUBLIC_STATUSES = (ModerationStatus.VALIDATED, ModerationStatus.MODIFIED_PENDING)
LIVE_EXCLUDED = (ModerationStatus.DUPLICATE, ModerationStatus.REMOVED)


@dataclass
class PublicRecord:
    key: str  # the actor's slug, or the SIREN of a Sirene legal unit without actor row
    name: str
    slug: str = ""
    siren: str = ""
    siret: str = ""
    kind: str = ActorKind.ORGANISATION
    life_stage: str = LifeStage.ACTIVE
    description: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    opening_hours: str = ""
    address: str = ""
    postal_code: str = ""
    commune_code: str = ""
    commune_name: str = ""
    lat: float | None = None
    lon: float | None = None
    localisation: str = ""  # "adresse" (exact point), "commune" (partial diffusion) or ""
    labels: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    family: str = ""
    legal_category: str = ""
    naf: str = ""
    workforce_band: str = ""
    origin: str = "sirene"  # "sirene" (official only) or "annuaire" (contributed data)
    updated_at: str = ""
    custom: dict = field(default_factory=dict)  # public custom fields {label: value}

    def fingerprint(self) -> str:
        """A short hash of the public fields, to see what changed between two alerts."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


# Column definitions shared by the exports: key → (label, getter).
def _join(values, choices) -> str:
    labels = dict(choices.choices)
    return "; ".join(str(labels.get(v, v)) for v in values)


COLUMNS = {
    "identifiant": (_("Identifiant"), lambda r: r.key),
    "nom": (_("Nom"), lambda r: r.name),
    "siren": (_("SIREN"), lambda r: r.siren),
    "siret": (_("SIRET"), lambda r: r.siret),
    "type": (_("Type"), lambda r: str(dict(ActorKind.choices).get(r.kind, r.kind))),
    "situation": (_("Situation"), lambda r: str(dict(LifeStage.choices).get(r.life_stage, ""))),
    "description": (_("Description"), lambda r: r.description),
    "site_web": (_("Site web"), lambda r: r.website),
    "email": (_("E-mail public"), lambda r: r.email),
    "telephone": (_("Téléphone public"), lambda r: r.phone),
    "horaires": (_("Horaires"), lambda r: r.opening_hours),
    "adresse": (_("Adresse"), lambda r: r.address),
    "code_postal": (_("Code postal"), lambda r: r.postal_code),
    "code_commune": (_("Code Insee de la commune"), lambda r: r.commune_code),
    "commune": (_("Commune"), lambda r: r.commune_name),
    "latitude": (_("Latitude"), lambda r: r.lat),
    "longitude": (_("Longitude"), lambda r: r.lon),
    "localisation": (_("Précision de la position"), lambda r: r.localisation),
    "labels": (_("Labels et statuts"), lambda r: _join(r.labels, Label)),
    "themes": (_("Thèmes"), lambda r: _join(r.themes, Theme)),
    "famille": (_("Famille de l'ESS"), lambda r: r.family),
    "categorie_juridique": (_("Catégorie juridique"), lambda r: r.legal_category),
    "activite": (_("Activité principale (NAF)"), lambda r: r.naf),
    "tranche_effectif": (_("Tranche d'effectif"), lambda r: r.workforce_band),
    "origine": (_("Origine des données"), lambda r: r.origin),
    "mise_a_jour": (_("Mise à jour"), lambda r: r.updated_at),
}
DEFAULT_COLUMNS = [
    "identifiant",
    "nom",
    "siret",
    "adresse",
    "code_postal",
    "commune",
    "site_web",
    "labels",
    "themes",
    "famille",
]


def column_choice(raw: str | list | None) -> list[str]:
    """The `colonnes=` parameter (comma-separated or repeated); unknown names raise ValueError."""
    if not raw:
        return list(DEFAULT_COLUMNS)
    items = raw if isinstance(raw, list) else [raw]
    chosen = [c.strip() for item in items for c in item.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in COLUMNS]
    if unknown:
        raise ValueError(", ".join(unknown))
    return list(dict.fromkeys(chosen)) or list(DEFAULT_COLUMNS)


# Building records ------------------------------------------------------------------------------
def _current_run():
    return ImportRun.objects.current()


def _head_offices(run, sirens) -> dict[str, Establishment]:
    if run is None or not sirens:
        return {}
    heads: dict[str, Establishment] = {}
    sirens = list(sirens)
    for start in range(0, len(sirens), 500):
        rows = Establishment.objects.filter(run=run, siren__in=sirens[start : start + 500])
        for row in rows.order_by("-is_head_office", "siret"):
            heads.setdefault(row.siren, row)
    return heads


def _units(run, sirens) -> dict[str, LegalUnit]:
    if run is None or not sirens:
        return {}
    units = {}
    sirens = list(sirens)
    for start in range(0, len(sirens), 500):
        for unit in LegalUnit.objects.filter(run=run, siren__in=sirens[start : start + 500]):
            units[unit.siren] = unit
    return units


def _commune_names(codes) -> dict[str, str]:
    return dict(Commune.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _public_custom(actors) -> dict[int, dict]:
    from essor.directory.models import CustomFieldValue

    values: dict[int, dict] = {}
    rows = CustomFieldValue.objects.filter(actor__in=actors, field__is_public=True).select_related(
        "field"
    )
    for value in rows:
        values.setdefault(value.actor_id, {})[value.field.label] = value.value
    return values


def _sirene_part(record: PublicRecord, unit: LegalUnit | None, head: Establishment | None):
    if unit is not None:
        record.family = unit.family
        record.legal_category = unit.legal_category
        record.workforce_band = record.workforce_band or unit.workforce_band
        record.naf = record.naf or unit.naf
        if unit.esus and Label.ESUS not in record.labels:
            record.labels = [*record.labels, Label.ESUS]
        if unit.siae_kind and Label.SIAE not in record.labels:
            record.labels = [*record.labels, Label.SIAE]
    partial = (unit is not None and unit.diffusion == "P") or (
        head is not None and head.diffusion == "P"
    )
    if head is not None:
        record.siret = record.siret or head.siret
        record.naf = record.naf or head.naf
        if not record.commune_code:
            record.commune_code = head.arrondissement_code or head.commune_code
        record.postal_code = record.postal_code or head.postal_code
        if not partial:
            record.address = record.address or head.address
            if record.lat is None and head.lat is not None:
                record.lat, record.lon = head.lat, head.lon
    if partial:
        record.address, record.lat, record.lon = "", None, None
    record.localisation = (
        "commune"
        if partial and record.commune_code
        else ("adresse" if record.lat is not None else "")
    )
    if record.localisation == "" and record.commune_code:
        record.localisation = "commune"


def from_actors(actors) -> list[PublicRecord]:
    actors = list(actors)
    run = _current_run()
    sirens = {a.siren for a in actors if a.siren}
    units, heads = _units(run, sirens), _head_offices(run, sirens)
    custom = _public_custom(actors)
    records = []
    for actor in actors:
        record = PublicRecord(
            key=actor.slug,
            slug=actor.slug,
            name=actor.name,
            siren=actor.siren,
            siret=actor.siret,
            kind=actor.kind,
            life_stage=actor.life_stage,
            description=actor.description,
            website=actor.website,
            email=actor.public_email,
            phone=actor.public_phone,
            opening_hours=actor.opening_hours,
            address=actor.address,
            postal_code=actor.postal_code,
            commune_code=actor.commune_id or "",
            lat=actor.lat,
            lon=actor.lon,
            labels=list(actor.labels or []),
            themes=list(actor.themes or []),
            origin="annuaire",
            updated_at=actor.updated_at.date().isoformat() if actor.updated_at else "",
            custom=custom.get(actor.pk, {}),
        )
        _sirene_part(record, units.get(actor.siren), heads.get(actor.siren))
        records.append(record)
    _name_communes(records)
    return records


def from_units(units) -> list[PublicRecord]:
    units = list(units)
    run = _current_run()
    heads = _head_offices(run, [u.siren for u in units])
    records = []
    for unit in units:
        record = PublicRecord(
            key=unit.siren,
            name=unit.name or unit.usual_name or unit.siren,
            siren=unit.siren,
            life_stage=LifeStage.ACTIVE if unit.state == "A" else LifeStage.CLOSED,
            origin="sirene",
            updated_at=run.data_date.isoformat() if run and run.data_date else "",
        )
        _sirene_part(record, unit, heads.get(unit.siren))
        records.append(record)
    _name_communes(records)
    return records


def _name_communes(records) -> None:
    names = _commune_names(r.commune_code for r in records if r.commune_code)
    for record in records:
        record.commune_name = names.get(record.commune_code, record.commune_name)


# Searching ---------------------------------------------------------------------------------
FILTERS = {
    "q": _("texte dans le nom"),
    "commune": _("code Insee de commune (répétable)"),
    "epci": _("SIREN d'EPCI"),
    "departement": _("code de département"),
    "region": _("code de région"),
    "label": _("label ou statut (répétable)"),
    "theme": _("thème (répétable)"),
    "famille": _("famille de l'ESS (répétable)"),
    "type": _("type d'acteur"),
    "origine": _("« annuaire » (données contribuées) ou « sirene »"),
}


def _getlist(params, name) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = value if isinstance(value, list) else ([value] if value else [])
    return [v for item in values for v in str(item).split(",") if v.strip()]


def _communes_for(params) -> set[str] | None:
    codes: set[str] = set()
    given = False
    if _getlist(params, "commune"):
        given = True
        codes |= set(_getlist(params, "commune"))
        codes |= set(Commune.objects.filter(parent_id__in=codes).values_list("code", flat=True))
    if _getlist(params, "epci"):
        given = True
        codes |= set(
            Commune.objects.filter(
                Q(epci_id__in=_getlist(params, "epci"))
                | Q(parent__epci_id__in=_getlist(params, "epci"))
            ).values_list("code", flat=True)
        )
    if _getlist(params, "region"):
        given = True
        codes |= set(
            Commune.objects.filter(
                departement__region_id__in=_getlist(params, "region")
            ).values_list("code", flat=True)
        )
    if _getlist(params, "departement"):
        given = True
        codes |= set(
            Commune.objects.filter(departement_id__in=_getlist(params, "departement")).values_list(
                "code", flat=True
            )
        )
    return codes if given else None


def _matches(record: PublicRecord, params) -> bool:
    q = fold(params.get("q") or "")
    if q and q not in fold(record.name):
        return False
    for name, attr in (("label", "labels"), ("theme", "themes")):
        wanted = _getlist(params, name)
        if wanted and not set(wanted) & set(getattr(record, attr)):
            return False
    families = _getlist(params, "famille")
    if families and record.family not in families:
        return False
    if params.get("type") and record.kind != params.get("type"):
        return False
    return True


def _fallback(params) -> list[PublicRecord]:
    communes = _communes_for(params)
    origin = params.get("origine") or ""
    records: list[PublicRecord] = []
    from essor.directory.models import Actor

    live_sirens = set(
        Actor.objects.exclude(status__in=LIVE_EXCLUDED)
        .exclude(siren="")
        .values_list("siren", flat=True)
    )
    if origin != "sirene":
        actors = Actor.objects.filter(status__in=PUBLIC_STATUSES).select_related("commune")
        records += from_actors(actors)
    if origin != "annuaire" and not params.get("type") and not _getlist(params, "theme"):
        run = _current_run()
        if run is not None:
            units = LegalUnit.objects.filter(run=run).exclude(siren__in=live_sirens)
            if _getlist(params, "famille"):
                units = units.filter(family__in=_getlist(params, "famille"))
            if communes is not None:
                sirens = Establishment.objects.filter(
                    run=run, commune_code__in=communes, is_head_office=True
                ).values_list("siren", flat=True)
                units = units.filter(siren__in=list(sirens))
            records += from_units(units.order_by("name", "siren"))
    records = [
        r
        for r in records
        if _matches(r, params) and (communes is None or r.commune_code in communes)
    ]
    records.sort(key=lambda r: (fold(r.name), r.key))
    return records


def _search_keys(params) -> list[tuple[str, str]] | None:
    """(SIREN, actor slug) of the entries the directory's search finds for `params`, in its
    order; None when the search index is not installed or not built yet."""
    try:
        from essor.directory.search import params as search_params
        from essor.directory.search import query as search_query
        from essor.directory.search.models import SearchEntry, SearchIndexState
    except ImportError:
        return None
    if not SearchIndexState.objects.exists():
        return None
    parsed = search_params.parse(params)
    text, center, _messages = search_query.resolve(parsed)
    where, args = search_query.filter_sql(parsed, text, center)
    order, order_args = "e.score DESC, e.id", []
    if text is not None:
        rank, order_args = search_query.rank_sql(text)
        order = f"{rank}, {order}"
    table = SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.siren, e.actor_slug FROM {table} e WHERE {where} ORDER BY {order}",
            [*args, *order_args],
        )
        return cursor.fetchall()


def _from_search(keys: list[tuple[str, str]]) -> list[PublicRecord]:
    """One record per actor (or legal unit) of the search entries, in the search's order."""
    from essor.directory.models import Actor

    ordered = list(dict.fromkeys((siren, "" if siren else slug) for siren, slug in keys))
    if not ordered:
        return []
    sirens = [siren for siren, _slug in ordered if siren]
    slugs = [slug for _siren, slug in ordered if slug]
    records: dict[tuple[str, str], PublicRecord] = {}
    actors = []
    public = Actor.objects.filter(status__in=PUBLIC_STATUSES)
    for start in range(0, len(sirens), 500):
        actors += public.filter(siren__in=sirens[start : start + 500])
    for start in range(0, len(slugs), 500):
        actors += public.filter(siren="", slug__in=slugs[start : start + 500])
    for actor, record in zip(actors, from_actors(actors), strict=True):
        records[(actor.siren, "" if actor.siren else actor.slug)] = record
    missing = [siren for siren in sirens if (siren, "") not in records]
    live = set()
    for start in range(0, len(missing), 500):
        live |= set(
            Actor.objects.exclude(status__in=LIVE_EXCLUDED)
            .filter(siren__in=missing[start : start + 500])
            .values_list("siren", flat=True)
        )
    units = list(_units(_current_run(), [s for s in missing if s not in live]).values())
    for unit, record in zip(units, from_units(units), strict=True):
        records[(unit.siren, "")] = record
    return [records[key] for key in ordered if key in records]


class Found(Sequence):
    """The result of `find`: its length and slices cost only the search's keys; the records
    are built for the slice asked (in chunks when iterating over everything)."""

    CHUNK = 1000

    def __init__(self, keys: list[tuple[str, str]] | None = None, records=None):
        self._keys = (
            list(dict.fromkeys((siren, "" if siren else slug) for siren, slug in keys))
            if keys is not None
            else None
        )
        self._records = records

    def __len__(self) -> int:
        return len(self._keys) if self._keys is not None else len(self._records)

    def __getitem__(self, index):
        if self._keys is None:
            return self._records[index]
        if isinstance(index, slice):
            return _from_search(self._keys[index])
        return _from_search([self._keys[index]])[0]

    def __iter__(self):
        if self._keys is None:
            yield from self._records
            return
        for start in range(0, len(self._keys), self.CHUNK):
            yield from _from_search(self._keys[start : start + self.CHUNK])


def find(params) -> Found:
    """The public records matching `params` (a QueryDict or a dict of the search page's
    parameters): through the directory's search when its index is built (same filters, same
    order as the search page, one record per actor), else the fallback filters above, sorted
    by name."""
    keys = _search_keys(params)
    if keys is not None:
        return Found(keys=keys)
    return Found(records=_fallback(params))


def get(key: str) -> PublicRecord | None:
    """One public record by actor slug or SIREN."""
    from essor.directory.models import Actor

    actors = Actor.objects.filter(status__in=PUBLIC_STATUSES)
    actor = actors.filter(slug=key).first()
    if actor is None and key.isdigit() and len(key) == 9:
        actor = actors.filter(siren=key).first()
    if actor is not None:
        return from_actors([actor])[0]
    if key.isdigit() and len(key) == 9:
        if Actor.objects.exclude(status__in=LIVE_EXCLUDED).filter(siren=key).exists():
            return None  # an actor row exists but is not public
        run = _current_run()
        unit = LegalUnit.objects.filter(run=run, siren=key).first() if run else None
        if unit is not None:
            return from_units([unit])[0]
    return None
