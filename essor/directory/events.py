"""Signals sent when an actor's public (validated) data changes, so that other parts (the search
index of `essor.directory.search`, feeds…) can refresh. Actions call these helpers inside
`transaction.on_commit`, so receivers only ever see committed data.

    from essor.directory.events import actor_changed
    actor_changed.connect(reindex_actor)   # receiver(sender, actor, **kwargs)
"""

from django.dispatch import Signal

# Sent with `actor` (an essor.directory.models.Actor): its validated data, status, claims or
# members changed (creation validated, version approved, merge, PTCE membership…).
actor_changed = Signal()
# Sent with `actor`: it left the public directory (removed, refused, merged into another one).
actor_removed = Signal()


def send_actor_changed(actor) -> None:
    actor_changed.send(sender=type(actor), actor=actor)


def send_actor_removed(actor) -> None:
    actor_removed.send(sender=type(actor), actor=actor)
