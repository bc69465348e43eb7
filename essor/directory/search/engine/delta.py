"""The entries changed since a snapshot was taken, read once per index version.

indexer.reindex_actor / remove_actor log the ids of the entries they delete and of those they
write (SearchEntryChange, in the same transaction, whatever process runs them). A serving
process answers from its snapshot minus every logged id (`dead` positions) plus the current
rows of the logged ids (a small snapshot evaluated the same way): exact, without knowing the
order in which other processes committed. The full build empties the log."""

from dataclasses import dataclass

import numpy as np

from essor.directory.search.engine import snapshot as sn
from essor.directory.search.engine import store


@dataclass
class Delta:
    version: int
    dead: np.ndarray  # positions of the base snapshot left out (sorted int32)
    rows: sn.Snapshot  # current rows of the changed ids

    @classmethod
    def empty(cls, version: int) -> "Delta":
        return cls(version, np.zeros(0, dtype=np.int32), sn.build([]))


def load(base: sn.Snapshot, version: int) -> Delta:
    ids = store.changed_ids()
    if not ids:
        return Delta.empty(version)
    rows = store.changed_rows()
    # A row written by a change is logged too; its id is left out of the base either way.
    dead = base.positions_of_ids(set(ids) | set(rows.ids.tolist()))
    return Delta(version, dead.astype(np.int32), rows)
