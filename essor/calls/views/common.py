"""Helpers shared by the views: scoped lookups (404 when not visible), 403, errors, login."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy

from essor.calls.models import Application, Call

signed_in = partial(login_required, login_url=reverse_lazy("calls:login"))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def application_for(request, pk: int) -> Application:
    """The application if the user may see it; 404 otherwise (same answer as missing)."""
    queryset = Application.objects.visible_to(request.user).select_related(
        "call__organisation", "call__grid_version", "applicant"
    )
    return get_object_or_404(queryset, pk=pk)


def managed_call(request, slug: str) -> Call:
    """A call of an organisation the user manages; 404 otherwise."""
    queryset = Call.objects.managed_by(request.user).select_related("organisation")
    return get_object_or_404(queryset, slug=slug)


def show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
