from essor.calls.models.application import (
    Application,
    ApplicationDocument,
    Message,
    PrivateNote,
    ReviewerAssignment,
    Transition,
)
from essor.calls.models.call import Call, CallSettings, FormField
from essor.calls.models.grant import Grant, Payment, ReportingDocument, ResultIndicator

__all__ = [
    "Application",
    "ApplicationDocument",
    "Call",
    "CallSettings",
    "FormField",
    "Grant",
    "Message",
    "Payment",
    "PrivateNote",
    "ReportingDocument",
    "ResultIndicator",
    "ReviewerAssignment",
    "Transition",
]
