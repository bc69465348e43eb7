"""Keeps the index in step with the directory: `essor.directory.events` signals → one actor's
entries rebuilt (the events are sent after commit)."""


def on_actor_changed(sender, actor, **kwargs):
    from essor.directory.search.indexer import reindex_actor

    reindex_actor(actor)


def on_actor_removed(sender, actor, **kwargs):
    from essor.directory.search.indexer import remove_actor

    remove_actor(actor)


def connect() -> None:
    try:
        from essor.directory.events import actor_changed, actor_removed
    except ImportError:  # the directory's events are not there yet
        return
    actor_changed.connect(on_actor_changed, dispatch_uid="directory_search.actor_changed")
    actor_removed.connect(on_actor_removed, dispatch_uid="directory_search.actor_removed")
