"""Signals sent when an actor's public (validated) data changes, so that other parts (the search
index of `essor.directory.search`, feeds…) can refresh. Actions call them inside
`transaction.on_commit`, so receivers only ever see committed data.

Each event is a Django signal that can also be called like a function:

    from essor.directory.events import actor_changed, actor_removed
    actor_changed.connect(reindex_actor)   # receiver(sender, actor, **kwargs)
    actor_changed(actor)                   # = actor_changed.send(sender=Actor, actor=actor)
"""

from django.dispatch import Signal


class ActorEvent(Signal):
    def __call__(self, actor) -> list:
        return self.send(sender=type(actor), actor=actor)


# The actor's validated data, status, claims or members changed (creation validated, version
# approved, merge, PTCE membership…).
actor_changed = ActorEvent()
# The actor left the public directory (removed, refused, merged into another one).
actor_removed = ActorEvent()
