"""Imports into the directory: a network's member list (CSV/XLSX) or a GoGoCarto export, read,
previewed, then confirmed (see `common` for the matching rules)."""

from django.db import transaction
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.directory.exchange import files
from essor.directory.exchange.enums import BatchKind, BatchStatus
from essor.directory.exchange.files import FileRefused
from essor.directory.exchange.importers import gogocarto, members


def start_batch(organisation, user, *, kind: str, data: bytes, file_name: str, source=None):
    """Reads `data` whole and records a batch: a member list waits for its column mapping, a
    GoGoCarto export gets its preview at once. A refused file raises FileRefused and writes
    nothing."""
    from essor.directory.exchange.models import ImportBatch

    if kind == BatchKind.GOGOCARTO:
        if files.detect_format(data) != "json":
            raise FileRefused(
                _("Un export GoGoCarto est un fichier JSON : ce fichier n'en est pas un.")
            )
        document = files.read_json(data)
        gogocarto.elements_of(document)  # refuses a JSON that is not an export
        table = None
        file_format = "json"
    else:
        table = files.read_table(data)
        file_format = table.file_format
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organisation=organisation,
            author=user if getattr(user, "pk", None) else None,
            source=source,
            kind=kind,
            file_name=files.safe_name(file_name),
            stored_name=files.store(data, file_format),
            file_format=file_format,
            checksum=files.checksum(data),
            size=len(data),
            encoding=getattr(table, "encoding", "") or "",
            delimiter=getattr(table, "delimiter", "") or "",
            columns=table.columns if table else [],
            validate=source is None,
        )
        audit.record(
            user,
            "directory.import.uploaded",
            batch,
            organisation=organisation,
            changes={"file_name": [None, batch.file_name], "sha256": [None, batch.checksum]},
            source=batch.source_label,
        )
        if table is not None:
            batch.mapping = members.guess_mapping(table.columns, members.last_mapping(organisation))
            batch.save(update_fields=["mapping"])
        else:
            gogocarto.preview(batch, document)
    return batch


def set_mapping(batch, mapping: dict, policy: str) -> None:
    """Stores the mapping and computes the preview; a whole-file problem (no SIRET column…) is
    kept on the batch as its error and raised."""
    batch.mapping = {k: v for k, v in mapping.items() if v}
    batch.conflict_policy = policy
    batch.save(update_fields=["mapping", "conflict_policy"])
    try:
        members.preview(batch)
    except FileRefused as error:
        batch.status = BatchStatus.UPLOADED
        batch.error = " ".join(error.messages)
        batch.save(update_fields=["status", "error"])
        raise


def set_policy(batch, policy: str) -> None:
    """Recomputes the preview of a GoGoCarto batch with another conflict policy."""
    batch.conflict_policy = policy
    batch.save(update_fields=["conflict_policy"])
    gogocarto.preview(batch)
