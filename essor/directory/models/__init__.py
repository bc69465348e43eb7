from essor.directory.models.actors import (  # noqa: F401
    Actor,
    ActorClaim,
    ActorVersion,
    CustomField,
    CustomFieldValue,
    ErrorReport,
    PtceMembership,
)
