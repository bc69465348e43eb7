"""Every write on the directory: check, write, audit, notify.

Moderation follows GoGoCarto's statuses (peers.md §1.3): a new actor is PENDING until a moderator
validates it; every change to a validated actor is an ActorVersion, PENDING until a moderator
approves or refuses it (the actor is MODIFIED_PENDING meanwhile). Versions proposed by a verified
claimant of the structure are moderated too, flagged « par la structure » (`by_structure`) so
moderators can handle them first: one rule for everyone keeps the public data reviewed and the
history complete. A version stores only the fields it changes (`data`) and, once approved, the
values they replaced (`previous`): the history of an actor is its validated versions.

The acting user is the keyword `by` (None for the system: demo and commands). Actions check the
cross-object rules and, for moderation, the moderator's territory, so no caller can skip them.

One module per concern (values, versions, claims, reports, custom_fields, ptce); the names
are re-exported here so that callers write `actions.approve_version(…)`.
"""

from essor.directory.actions.claims import (  # noqa: F401
    claim_actor,
    decide_claim,
    email_domain,
    website_domain,
)
from essor.directory.actions.custom_fields import (  # noqa: F401
    clean_custom_value,
    create_custom_field,
    set_custom_value,
)
from essor.directory.actions.ptce import (  # noqa: F401
    add_ptce_member,
    remove_ptce_member,
)
from essor.directory.actions.reports import (  # noqa: F401
    close_report,
    report_error,
)
from essor.directory.actions.values import (  # noqa: F401
    MAX_RADIUS_KM,
    TEXT_LIMITS,
    actor_values,
    clean_values,
)
from essor.directory.actions.versions import (  # noqa: F401
    actor_for_siren,
    approve_version,
    propose_actor,
    propose_change,
    refuse_version,
    remove_actor,
)
