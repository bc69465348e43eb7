"""Scheduled refresh of external sources (`essor directory refresh`).

Each due source is fetched (HTTP(S) only, timeout, size cap, content checked like an upload),
compared with the last fetch (same SHA-256: nothing to do), then read and classified like an
upload. Its differences become **pending** versions and pending new actors for the moderators of
the territory (never validated automatically); values that differ from the directory are
proposed (the moderators decide). A proposal already pending with the same values is not
proposed twice. Every run is logged in `SourceRun`.
"""

import datetime
import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.directory.exchange import files, importers
from essor.directory.exchange.enums import (
    BatchKind,
    ConflictPolicy,
    RunStatus,
    SourceFormat,
    SourceFrequency,
)
from essor.directory.exchange.importers import common
from essor.directory.exchange.models import ExternalSource, SourceRun

TIMEOUT_SECONDS = 30
MAX_BYTES = 10 * 1024 * 1024
DUE_AFTER = {
    SourceFrequency.DAILY: datetime.timedelta(hours=23),
    SourceFrequency.WEEKLY: datetime.timedelta(days=6, hours=23),
    SourceFrequency.MONTHLY: datetime.timedelta(days=29),
}


class FetchError(Exception):
    pass


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> bytes:
    if urlparse(url).scheme not in ("http", "https"):
        raise FetchError(_("Seules les adresses http et https sont acceptées."))
    request = urllib.request.Request(url, headers={"User-Agent": "essor-annuaire/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    _("Réponse trop volumineuse (%(n)s octets, maximum %(max)s).")
                    % {"n": length, "max": max_bytes}
                )
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(_("Le serveur a répondu HTTP %s.") % error.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FetchError(_("Source injoignable : %s") % getattr(error, "reason", error)) from None
    if len(data) > max_bytes:
        raise FetchError(_("Réponse trop volumineuse (plus de %s octets).") % max_bytes)
    if not data:
        raise FetchError(_("Réponse vide."))
    return data


def is_due(source: ExternalSource, now) -> bool:
    return source.last_run_at is None or now - source.last_run_at >= DUE_AFTER[source.frequency]


def _already_pending(actor_id: int, values: dict) -> bool:
    """Whether the pending versions of the actor already propose every value of `values`."""
    from essor.directory import actions
    from essor.directory.enums import VersionStatus
    from essor.directory.models import ActorVersion

    proposed: dict = {}
    pending = ActorVersion.objects.filter(actor_id=actor_id, status=VersionStatus.PENDING)
    for version in pending.order_by("created_at", "id"):
        proposed.update(version.data)
    if not proposed:
        return False
    try:
        cleaned = actions.clean_values(values)
    except ValidationError:
        return False
    return all(proposed.get(k) == v for k, v in cleaned.items())


def refresh_source(source: ExternalSource, *, timeout=TIMEOUT_SECONDS, max_bytes=MAX_BYTES):
    now = timezone.now()
    run = SourceRun(source=source, status=RunStatus.FAILED)
    try:
        data = fetch(source.url, timeout=timeout, max_bytes=max_bytes)
        run.size = len(data)
        run.checksum = common_checksum = files.checksum(data)
        if common_checksum == source.last_checksum:
            run.status = RunStatus.UNCHANGED
            run.message = _("Contenu identique au dernier passage.")
        else:
            kind = (
                BatchKind.GOGOCARTO
                if source.format == SourceFormat.GOGOCARTO
                else BatchKind.MEMBERS
            )
            name = urlparse(source.url).path.rsplit("/", 1)[-1] or source.name
            batch = importers.start_batch(
                source.organisation, None, kind=kind, data=data, file_name=name, source=source
            )
            run.batch = batch
            if kind == BatchKind.MEMBERS:
                importers.set_mapping(batch, source.mapping, ConflictPolicy.REPLACE)
            else:
                importers.set_policy(batch, ConflictPolicy.REPLACE)
            batch.refresh_from_db()
            # Leave out what is already waiting for the moderators.
            preview = [
                row
                for row in batch.preview
                if not (row["actor_id"] and _already_pending(row["actor_id"], row["values"]))
            ]
            if len(preview) != len(batch.preview):
                batch.preview = preview
                batch.save(update_fields=["preview"])
            result = common.apply(batch, None)
            run.counts = {
                **batch.counts,
                "created": result["created"],
                "proposed": result["changed"],
            }
            run.status = RunStatus.SUCCEEDED
            run.message = _(
                "%(c)s nouvel(s) acteur(s) et %(p)s modification(s) en attente de modération."
            ) % {
                "c": result["created"],
                "p": result["changed"],
            }
            source.last_checksum = common_checksum
    except (FetchError, ValidationError) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        run.message = " ".join(str(m) for m in messages)
    run.finished_at = timezone.now()
    run.save()
    source.last_run_at = now
    source.save(update_fields=["last_run_at", "last_checksum"])
    return run


def refresh_due(*, force: bool = False, source_id: int | None = None, **options) -> list[SourceRun]:
    now = timezone.now()
    sources = ExternalSource.objects.filter(active=True).select_related("organisation")
    if source_id is not None:
        sources = sources.filter(pk=source_id)
    return [
        refresh_source(source, **options)
        for source in sources
        if force or source_id is not None or is_due(source, now)
    ]
