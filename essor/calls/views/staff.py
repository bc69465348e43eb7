"""Pages of the call's staff (admins and agents of its organisation): calls, form, publication,
the granting body's settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.accounts.models import Organisation
from essor.calls import perms
from essor.calls.actions import calls as actions
from essor.calls.forms import CallForm, FormFieldForm, SettingsForm
from essor.calls.models import Call, CallSettings
from essor.calls.views.common import managed_call, require, show_errors, signed_in


def _managed_organisations(user):
    organisations = Organisation.objects.all()
    if user.is_superuser:
        return organisations
    return organisations.filter(
        membership__user=user, membership__role__in=("admin", "agent")
    ).distinct()


@signed_in
def staff_home(request):
    organisations = _managed_organisations(request.user)
    require(organisations.exists())
    calls = Call.objects.managed_by(request.user).select_related("organisation")
    return render(
        request, "calls/staff_home.html", {"calls": calls, "organisations": organisations}
    )


def _call_values(form: CallForm) -> dict:
    values = dict(form.cleaned_data)
    values.pop("communes")
    return values


@signed_in
def call_create(request, organisation_slug: str):
    organisation = get_object_or_404(_managed_organisations(request.user), slug=organisation_slug)
    form = CallForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            call = actions.create_call(
                organisation,
                actor=request.user,
                communes=form.cleaned_data["communes"],
                **_call_values(form),
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Appel créé en brouillon avec la grille par défaut."))
            return redirect("calls:call_edit", call.slug)
    return render(request, "calls/call_form.html", {"form": form, "organisation": organisation})


@signed_in
def call_edit(request, slug: str):
    call = managed_call(request, slug)
    initial = {
        **{name: getattr(call, name) for name in actions.CALL_FIELDS},
        "communes": ", ".join(call.communes.values_list("code", flat=True)),
        "required_documents": "\n".join(call.required_documents),
    }
    form = CallForm(request.POST or None, initial=initial, organisation=call.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_call(
                call,
                actor=request.user,
                communes=form.cleaned_data["communes"],
                **_call_values(form),
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Appel enregistré."))
            return redirect("calls:call_edit", call.slug)
    context = {
        "form": form,
        "call": call,
        "organisation": call.organisation,
        "field_form": FormFieldForm(prefix="question"),
        "fields": call.fields.all(),
    }
    return render(request, "calls/call_form.html", context)


@signed_in
@require_POST
def add_field(request, slug: str):
    call = managed_call(request, slug)
    form = FormFieldForm(request.POST, prefix="question")
    if form.is_valid():
        try:
            actions.add_form_field(call, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Question ajoutée au formulaire."))
    else:
        messages.error(request, _("Question incomplète."))
    return redirect("calls:call_edit", call.slug)


@signed_in
@require_POST
def publish(request, slug: str):
    call = managed_call(request, slug)
    try:
        actions.publish_call(call, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("calls:call_edit", call.slug)
    messages.success(request, _("Appel publié."))
    return redirect("calls:call_detail", call.slug)


@signed_in
@require_POST
def close(request, slug: str):
    call = managed_call(request, slug)
    try:
        actions.close_call(call, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    return redirect("calls:call_applications", call.slug)


@signed_in
def settings_edit(request, organisation_slug: str):
    organisation = get_object_or_404(_managed_organisations(request.user), slug=organisation_slug)
    require(perms.can_manage_calls_of(request.user, organisation))
    current = CallSettings.objects.filter(organisation=organisation).first()
    initial = {
        "official_name": current.official_name if current else organisation.name,
        "siret": current.siret if current else "",
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_call_settings(organisation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Réglages enregistrés."))
        return redirect("calls:staff_home")
    return render(request, "calls/settings_form.html", {"form": form, "organisation": organisation})
