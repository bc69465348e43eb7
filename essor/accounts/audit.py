"""The audit log: every change to contributed data goes through `record`, inside the action's
transaction, so an entry exists exactly when the change was committed."""

from typing import Any

from django.db import models

from essor.accounts.models import AuditEntry


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The JSON-ready values of `fields` on `instance` (foreign keys as ids)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        values[name] = value if isinstance(value, (int, float, bool, type(None))) else str(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    actor,
    action: str,
    target: models.Model,
    *,
    changes: dict[str, Any] | None = None,
    organisation=None,
    source: str = "web",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        changes=changes or {},
        source=source,
    )
