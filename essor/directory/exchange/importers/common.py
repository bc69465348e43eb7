"""Matching imported rows to actors and writing the confirmed preview, whatever the file format.

A `Candidate` is one row of a member list or one GoGoCarto element, already read. `classify`
turns candidates into preview rows:

- SIRET first (Luhn check; a 9-digit SIREN is accepted too): the live actor with that SIRET or
  SIREN, else the legal unit of the current Sirene import (the actor exists without a row yet),
  else a new actor carrying that SIREN;
- without SIRET, the normalised name (accents, case, punctuation folded) in the same commune, among
  actors then among the Sirene establishments of that commune; else a new actor;
- rejected rows say why (invalid SIRET, unknown commune, outside the organisation's territory,
  nothing to match on, twice in the file, several possible actors).

Matched rows whose values differ from non-empty contributed values are conflicts: the batch's
policy keeps the current values (default) or replaces them, and the preview shows what will be
written. `apply` writes exactly the preview's `values`, inside one transaction, and skips a row
whose actor changed since the preview.
"""

import re
import time
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.directory import actions
from essor.directory.enums import Label
from essor.directory.exchange import files, writes
from essor.directory.exchange.enums import BatchStatus, ConflictPolicy, RowStatus
from essor.ess.themes import Theme
from essor.lib.identifiers import is_valid_siren, is_valid_siret
from essor.lib.text import fold
from essor.sirene.models import Establishment, ImportRun, LegalUnit
from essor.territories.models import Commune, CommuneAlias

LIST_SPLIT = re.compile(r"\s*[;,|\n]\s*")


@dataclass
class Candidate:
    line: int
    siret: str = ""
    name: str = ""
    commune_code: str = ""
    commune_name: str = ""
    postal_code: str = ""
    address: str = ""
    website: str = ""
    public_email: str = ""
    public_phone: str = ""
    description: str = ""
    labels: str | list = ""
    themes: str | list = ""
    lat: float | None = None
    lon: float | None = None
    source_ref: str = ""
    warnings: list[str] = field(default_factory=list)
    rejected: str = ""  # set by the reader (e.g. an element refused in its source)


# Choice lookups: a value, its label or a common short form, folded.
def _choice_index(choices, extra: dict[str, str]) -> dict[str, str]:
    index = {}
    for value, label in choices.choices:
        index[fold(value)] = value
        index[fold(str(label))] = value
    index.update({fold(k): v for k, v in extra.items()})
    return index


LABELS = _choice_index(
    Label,
    {
        "entreprise adaptee": Label.EA,
        "insertion par l activite economique": Label.SIAE,
        "iae": Label.SIAE,
        "ptce": Label.PTCE_MEMBER,
        "tiers lieux": Label.TIERS_LIEU,
        "accompagnement": Label.SUPPORT,
        "finance solidaire": Label.FUNDER,
    },
)
THEMES = _choice_index(
    Theme,
    {
        "alimentation": Theme.FOOD,
        "agriculture": Theme.FOOD,
        "reemploi": Theme.CIRCULAR,
        "recyclage": Theme.CIRCULAR,
        "logement": Theme.HOUSING,
        "habitat": Theme.HOUSING,
        "numerique": Theme.DIGITAL,
        "emploi": Theme.INSERTION,
        "transport": Theme.MOBILITY,
        "mobilite": Theme.MOBILITY,
        "energie": Theme.ENERGY,
        "finance": Theme.FINANCE,
    },
)


def parse_choices(raw, index: dict[str, str]) -> tuple[list[str], list[str]]:
    """(known values in order, unknown tokens)."""
    tokens = raw if isinstance(raw, list) else LIST_SPLIT.split(raw or "")
    known, unknown = [], []
    for token in tokens:
        token = str(token).strip()
        if not token:
            continue
        value = index.get(fold(token))
        if value is None:
            unknown.append(token)
        elif value not in known:
            known.append(value)
    return known, unknown


def clean_siret(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def normalise_website(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    if not re.match(r"^https?://", raw, re.I):
        raw = "https://" + raw
    URLValidator(schemes=["http", "https"])(raw)
    return raw


class CommuneFinder:
    """Communes by INSEE code (old codes through their alias) or by name + postal code."""

    def __init__(self):
        self._cache: dict = {}

    def by_code(self, code: str) -> Commune | None:
        key = ("code", code)
        if key not in self._cache:
            commune = Commune.objects.filter(pk=code).first()
            if commune is None:
                alias = CommuneAlias.objects.filter(pk=code).select_related("commune").first()
                commune = alias.commune if alias else None
            self._cache[key] = commune
        return self._cache[key]

    def by_name(self, name: str, postal_code: str) -> tuple[Commune | None, int]:
        """(commune, number of candidates) for `name` in `postal_code` (or anywhere)."""
        key = ("name", fold(name), postal_code)
        if key not in self._cache:
            found = Commune.objects.filter(search_name=fold(name))
            if postal_code:
                found = found.filter(postal_codes__contains=postal_code)
            found = list(found[:5])
            if postal_code:
                found = [c for c in found if postal_code in (c.postal_codes or "").split()]
            self._cache[key] = (found[0] if len(found) == 1 else None, len(found))
        return self._cache[key]


def _territory(organisation) -> set[str]:
    return set(organisation.communes.values_list("code", flat=True))


def _in_territory(commune: Commune | None, codes: set[str]) -> bool:
    if commune is None:
        return False
    return commune.code in codes or (commune.parent_id or "") in codes


def _same(current, imported, name: str = "") -> bool:
    if name == "name":
        return fold(str(current or "")) == fold(str(imported or ""))
    if isinstance(current, float) or isinstance(imported, float):
        try:
            return abs(float(current) - float(imported)) < 1e-6
        except (TypeError, ValueError):
            return False
    norm = lambda v: str(v or "").strip().rstrip("/").casefold()  # noqa: E731
    return norm(current) == norm(imported)


class Classifier:
    def __init__(self, organisation, policy: str = ConflictPolicy.KEEP):
        self.organisation = organisation
        self.policy = policy
        self.territory = _territory(organisation)
        self.communes = CommuneFinder()
        self.run = ImportRun.objects.current()
        self.seen: dict[str, int] = {}
        self.actor_by_siret: dict = {}
        self.actor_by_siren: dict = {}
        self.establishment_by_siret: dict = {}
        self.head_by_siren: dict = {}
        self._actor_names: dict = {}
        self._sirene_names: dict = {}

    # Lookups, prefetched for the whole file -----------------------------------------------------
    def prefetch(self, candidates) -> None:
        """Loads the actors and Sirene rows of every identifier of the file in a few queries."""
        sirets, sirens = set(), set()
        for c in candidates:
            raw = clean_siret(c.siret)
            if len(raw) == 14 and raw.isdigit():
                sirets.add(raw)
                sirens.add(raw[:9])
            elif len(raw) == 9 and raw.isdigit():
                sirens.add(raw)
        live = writes.live_actors().select_related("commune")
        for chunk in _chunks(sirets):
            for actor in live.filter(siret__in=chunk):
                self.actor_by_siret.setdefault(actor.siret, actor)
        for chunk in _chunks(sirens):
            for actor in live.filter(siren__in=chunk):
                self.actor_by_siren.setdefault(actor.siren, actor)
        if self.run is None:
            return
        for chunk in _chunks(sirets):
            for row in Establishment.objects.filter(run=self.run, siret__in=chunk):
                self.establishment_by_siret[row.siret] = row
        for chunk in _chunks(sirens):
            units = set(
                LegalUnit.objects.filter(run=self.run, siren__in=chunk).values_list(
                    "siren", flat=True
                )
            )
            rows = Establishment.objects.filter(run=self.run, siren__in=chunk)
            for row in rows.order_by("-is_head_office", "siret"):
                if row.siren in units:
                    self.head_by_siren.setdefault(row.siren, row)

    def actors_named(self, folded: str, commune: Commune) -> list:
        """Live actors named `folded` in the commune (its parent and arrondissements count)."""
        if commune.code not in self._actor_names:
            parent = commune.parent_id or commune.code
            children = Commune.objects.filter(parent_id=parent).values_list("code", flat=True)
            index: dict[str, list] = {}
            for actor in writes.live_actors().filter(commune_id__in={parent, *children}):
                index.setdefault(fold(actor.name), []).append(actor)
            self._actor_names[commune.code] = index
        return self._actor_names[commune.code].get(folded, [])

    def sirene_by_name(self, folded: str, commune: Commune) -> list:
        """Establishments of the commune whose name, sign or usual name is `folded`, one per
        legal unit."""
        if self.run is None:
            return []
        code = commune.parent_id or commune.code
        if code not in self._sirene_names:
            index: dict[str, dict] = {}
            rows = Establishment.objects.filter(run=self.run, commune_code=code).only(
                "siren", "siret", "name", "enseigne", "usual_name", "commune_code",
                "arrondissement_code", "is_head_office",
            )  # fmt: skip
            for row in rows.order_by("-is_head_office", "siret").iterator():
                for name in {fold(row.name), fold(row.enseigne), fold(row.usual_name)} - {""}:
                    index.setdefault(name, {}).setdefault(row.siren, row)
            self._sirene_names[code] = index
        return list(self._sirene_names[code].get(folded, {}).values())

    # One row ----------------------------------------------------------------------------------
    def classify(self, c: Candidate) -> dict:
        row = {
            "line": c.line,
            "status": RowStatus.REJECTED,
            "name": c.name.strip(),
            "siret": "",
            "siren": "",
            "commune": "",
            "commune_name": "",
            "actor_id": None,
            "actor_slug": "",
            "match": "",
            "values": {},
            "current": {},
            "conflicts": {},
            "reasons": [],
            "warnings": list(c.warnings),
            "source_ref": c.source_ref,
        }
        if c.rejected:
            row["reasons"].append(c.rejected)
            return row
        reasons = row["reasons"]
        # Identifier.
        raw_siret = clean_siret(c.siret)
        if raw_siret:
            if len(raw_siret) == 14 and is_valid_siret(raw_siret):
                row["siret"], row["siren"] = raw_siret, raw_siret[:9]
            elif len(raw_siret) == 9 and is_valid_siren(raw_siret):
                row["siren"] = raw_siret
                row["warnings"].append(
                    _("SIREN seul (pas de SIRET) : rapproché sur l'unité légale.")
                )
            else:
                reasons.append(
                    _("SIRET invalide « %s » : 14 chiffres avec une clé de contrôle juste.")
                    % c.siret.strip()
                )
        # Commune.
        commune = None
        if c.commune_code.strip():
            commune = self.communes.by_code(c.commune_code.strip().upper().zfill(5))
            if commune is None:
                reasons.append(_("Commune inconnue : code Insee « %s ».") % c.commune_code.strip())
        elif c.commune_name.strip():
            commune, found = self.communes.by_name(c.commune_name, c.postal_code.strip())
            if commune is None:
                where = f"{c.commune_name.strip()} {c.postal_code.strip()}".strip()
                reasons.append(
                    _("Commune inconnue : « %s ».") % where
                    if found == 0
                    else _("Commune ambiguë : « %s » (précisez le code postal ou le code Insee).")
                    % where
                )
        # Contacts and choices (a bad value is dropped with a warning, the row stays).
        values: dict = {}
        if c.website.strip():
            try:
                values["website"] = normalise_website(c.website)
            except ValidationError:
                row["warnings"].append(
                    _("Site web ignoré (adresse invalide) : « %s ».") % c.website
                )
        if c.public_email.strip():
            try:
                validate_email(c.public_email.strip())
                values["public_email"] = c.public_email.strip().lower()
            except ValidationError:
                row["warnings"].append(_("E-mail ignoré (invalide) : « %s ».") % c.public_email)
        for name in ("public_phone", "description", "address"):
            value = getattr(c, name).strip()
            if value:
                values[name] = value[:300] if name != "description" else value
        if c.postal_code.strip() and re.fullmatch(r"\d{5}", c.postal_code.strip()):
            values["postal_code"] = c.postal_code.strip()
        for name, index, label in (
            ("labels", LABELS, _("labels")),
            ("themes", THEMES, _("thèmes")),
        ):
            known, unknown = parse_choices(getattr(c, name), index)
            if known:
                values[name] = known
            if unknown:
                row["warnings"].append(
                    _("%(what)s inconnus ignorés : %(values)s")
                    % {"what": label.capitalize(), "values": ", ".join(unknown)}
                )
        if c.lat is not None and c.lon is not None:
            if -90 <= c.lat <= 90 and -180 <= c.lon <= 180:
                values["lat"], values["lon"] = round(c.lat, 6), round(c.lon, 6)
            else:
                row["warnings"].append(_("Coordonnées hors limites ignorées."))
        if reasons:
            return row
        # Matching.
        actor, establishment = None, None
        if row["siren"]:
            actor = self.actor_by_siret.get(row["siret"]) or self.actor_by_siren.get(row["siren"])
            if actor is None:
                establishment = self.establishment_by_siret.get(
                    row["siret"]
                ) or self.head_by_siren.get(row["siren"])
                if establishment is None:
                    row["warnings"].append(
                        _("Absent de l'import Sirene en cours (hors du périmètre ESS ?).")
                    )
            row["match"] = "siret"
        else:
            if not row["name"] or commune is None:
                reasons.append(
                    _("Ni SIRET, ni nom et commune : impossible de rapprocher la ligne.")
                )
                return row
            folded = fold(row["name"])
            actors = self.actors_named(folded, commune)
            if len(actors) > 1:
                reasons.append(
                    _("Plusieurs acteurs portent ce nom dans cette commune : ajoutez le SIRET.")
                )
                return row
            if actors:
                actor = actors[0]
            else:
                found = self.sirene_by_name(folded, commune)
                if len(found) > 1:
                    reasons.append(
                        _(
                            "Plusieurs structures Sirene portent ce nom dans cette commune : ajoutez le SIRET."
                        )
                    )
                    return row
                if found:
                    establishment = found[0]
                    actor = writes.live_actors().filter(siren=establishment.siren).first()
                    row["siren"] = establishment.siren
            row["match"] = "name_commune"
        # Commune and name from what is known when the row does not say.
        if commune is None and actor is not None and actor.commune_id:
            commune = actor.commune
        if commune is None and establishment is not None:
            commune = self.communes.by_code(
                establishment.arrondissement_code or establishment.commune_code
            )
        if establishment is not None and not row["name"]:
            row["name"] = establishment.enseigne or establishment.name
        if actor is not None and not row["name"]:
            row["name"] = actor.name
        if not row["name"]:
            reasons.append(_("Nom manquant pour une structure inconnue."))
            return row
        if commune is not None:
            row["commune"], row["commune_name"] = commune.code, commune.name
        if not _in_territory(commune, self.territory):
            reasons.append(
                _("Commune hors du territoire de %s.") % self.organisation.name
                if commune is not None
                else _("Commune manquante : indiquez le code Insee ou le nom et le code postal.")
            )
            return row
        # Twice in the file.
        key = (
            f"actor:{actor.pk}"
            if actor
            else (
                f"siren:{row['siren']}"
                if row["siren"]
                else f"name:{fold(row['name'])}:{row['commune']}"
            )
        )
        if key in self.seen:
            reasons.append(
                _("Même structure que la ligne %s du fichier (une fiche par structure).")
                % self.seen[key]
            )
            return row
        self.seen[key] = c.line
        if c.name.strip():
            values["name"] = c.name.strip()[:300]
        if commune is not None:
            values["commune"] = commune.code
        try:
            # The commune is already checked; the other values as the directory's forms would.
            checked = {k: v for k, v in values.items() if k != "commune"}
            values = {**values, **actions.clean_values(checked)}
        except ValidationError as error:
            reasons.append(_("Valeur refusée : %s") % " ; ".join(error.messages))
            return row
        # Values to write.
        if actor is None:
            row["status"] = RowStatus.MATCHED if establishment is not None else RowStatus.NEW
            row["in_sirene"] = establishment is not None
            values.setdefault("name", row["name"])
            row["values"] = values
            if establishment is not None and not row["siret"]:
                row["siret"] = establishment.siret
            return row
        row["actor_id"], row["actor_slug"] = actor.pk, actor.slug
        current = writes.current_values(actor, values)
        to_write, conflicts = {}, {}
        for name, value in values.items():
            now = current[name]
            if name in ("labels", "themes"):
                merged = list(now or []) + [v for v in value if v not in (now or [])]
                if merged != list(now or []):
                    to_write[name] = merged
            elif now in ("", None, []):
                to_write[name] = value
            elif not _same(now, value, name):
                conflicts[name] = [now, value]
                if self.policy == ConflictPolicy.REPLACE:
                    to_write[name] = value
        row["status"] = RowStatus.CONFLICT if conflicts else RowStatus.MATCHED
        row["values"], row["conflicts"] = to_write, conflicts
        row["current"] = {name: current[name] for name in to_write}
        return row


def counts_of(rows: list[dict]) -> dict:
    counts = {status: 0 for status in RowStatus.values}
    for row in rows:
        counts[row["status"]] += 1
    counts["total"] = len(rows)
    counts["to_write"] = sum(1 for r in rows if r["status"] != RowStatus.REJECTED and r["values"])
    return counts


def _chunks(values, size: int = 500):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def classify(organisation, candidates, policy: str = ConflictPolicy.KEEP) -> list[dict]:
    classifier = Classifier(organisation, policy)
    classifier.prefetch(candidates)
    return [classifier.classify(c) for c in candidates]


CHUNK_ROWS = 50


def apply(batch, user, *, budget_seconds: float | None = None) -> dict:
    """Writes the batch's preview (exactly its `values`), by chunks of rows, each chunk in one
    transaction that also moves the batch's `applied` pointer, so an interrupted confirmation
    resumes where it stopped and never writes a row twice. With `budget_seconds`, stops after
    the chunk that exceeds it (a web request stays short; the page offers to continue).
    Returns the result so far, with `done`. A row whose actor changed since the preview is
    skipped and reported."""
    started = time.monotonic()
    while True:
        try:
            result = _apply_chunk(batch, user)
        except PermissionDenied as error:
            raise ValidationError(
                _("Import refusé : %s") % (str(error) or _("accès refusé"))
            ) from None
        if result["done"]:
            return result
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return result


def _apply_chunk(batch, user) -> dict:
    from essor.accounts import audit
    from essor.directory.exchange.models import ImportBatch

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (BatchStatus.PREVIEWED, BatchStatus.CONFIRMING):
            raise ValidationError(_("Cet import n'est pas en attente de confirmation."))
        result = {"created": 0, "changed": 0, "skipped": [], **batch.result}
        source = batch.source_label
        name = f"n° {batch.pk} « {batch.file_name} »"
        end = min(len(batch.preview), batch.applied + CHUNK_ROWS)
        for row in batch.preview[batch.applied : end]:
            _write_row(row, batch, user, source, name, result)
        batch.applied = end
        result["done"] = end >= len(batch.preview)
        batch.result = result
        fields = ["applied", "result", "status"]
        if result["done"]:
            batch.status = BatchStatus.CONFIRMED
            batch.confirmed_at = timezone.now()
            fields.append("confirmed_at")
            stored = batch.stored_name
            transaction.on_commit(lambda: files.discard(stored))
            audit.record(
                user,
                "directory.import.confirmed",
                batch,
                organisation=batch.organisation,
                changes={
                    "created": [None, result["created"]],
                    "changed": [None, result["changed"]],
                },
                source=source,
            )
        else:
            batch.status = BatchStatus.CONFIRMING
        batch.save(update_fields=fields)
    return result


def _write_row(row: dict, batch, user, source: str, name: str, result: dict) -> None:
    if row["status"] == RowStatus.REJECTED or not row["values"]:
        return
    if row["actor_id"]:
        actor = writes.live_actors().filter(pk=row["actor_id"]).first()
        if actor is None or writes.current_values(actor, row["current"]) != row["current"]:
            result["skipped"].append(
                {"line": row["line"], "reason": _("Acteur modifié depuis l'aperçu.")}
            )
            return
        version = writes.change_actor(
            actor,
            data=row["values"],
            user=user,
            source=source,
            source_name=name,
            validate=batch.validate,
        )
        result["changed"] += version is not None
        return
    if row["siren"] and writes.live_actors().filter(siren=row["siren"]).exists():
        result["skipped"].append(
            {"line": row["line"], "reason": _("Acteur créé entre-temps pour ce SIREN.")}
        )
        return
    writes.create_actor(
        data=row["values"],
        siren=row["siren"],
        siret=row["siret"],
        in_sirene=row.get("in_sirene"),
        user=user,
        source=source,
        source_name=name,
        source_ref=row.get("source_ref", ""),
        validate=batch.validate,
    )
    result["created"] += 1
