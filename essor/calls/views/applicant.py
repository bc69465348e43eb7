"""Applicant pages: start with a SIRET, fill the draft step by step, attach files, submit,
follow the status, print the receipt, write to the instructing team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from essor.calls import perms
from essor.calls.actions import applications as actions
from essor.calls.actions.instruction import send_message
from essor.calls.eligibility import eligibility_problems, structure_from_sirene
from essor.calls.enums import FieldKind
from essor.calls.forms import MessageForm, ProjectStepForm, SiretForm, StructureStepForm, UploadForm
from essor.calls.models import Application, ApplicationDocument, Call
from essor.calls.views.common import application_for, require, show_errors, signed_in

STEPS = {
    1: gettext_lazy("Structure"),
    2: gettext_lazy("Projet"),
    3: gettext_lazy("Pièces jointes"),
    4: gettext_lazy("Vérification et dépôt"),
}
STEP_FIELDS = {
    1: ["structure_name", "declared_family", "declared_commune", "stage", "employees"],
    2: ["project_title", "amount_requested"],
}


@signed_in
def apply_start(request, slug: str):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    require(perms.can_apply_to_call(request.user, call))
    form = SiretForm(request.POST or request.GET or None)
    prefill = None
    if form.is_bound and form.is_valid():
        prefill = structure_from_sirene(form.cleaned_data["siret"])
        if request.method == "POST":
            try:
                application = actions.start_application(
                    call,
                    siret=form.cleaned_data["siret"],
                    actor=request.user,
                    structure_name=form.cleaned_data["structure_name"],
                )
            except ValidationError as error:
                show_errors(request, error)
            else:
                return redirect("calls:application_edit", application.pk, application.current_step)
    drafts = Application.objects.filter(call=call, applicant=request.user, state="brouillon")
    context = {"call": call, "form": form, "prefill": prefill, "drafts": drafts}
    return render(request, "calls/apply_start.html", context)


@signed_in
def my_applications(request):
    applications = Application.objects.filter(applicant=request.user).select_related("call")
    return render(request, "calls/my_applications.html", {"applications": applications})


def _step_form(step: int, application: Application, data=None):
    initial = {"version": application.version}
    if step == 1:
        initial.update({name: getattr(application, name) for name in STEP_FIELDS[1]})
        return StructureStepForm(data, initial=initial)
    questions = list(application.call.fields.all())
    initial.update({name: getattr(application, name) for name in STEP_FIELDS[2]})
    initial.update(application.answers)
    return ProjectStepForm(data, initial=initial, questions=questions)


def _save_step(request, application: Application, step: int, form) -> bool:
    values = {k: v for k, v in form.cleaned_data.items() if k in STEP_FIELDS[step]}
    if step == 2:
        values["answers"] = form.answers()
    try:
        actions.save_draft(
            application,
            expected_version=form.cleaned_data["version"],
            actor=request.user,
            current_step=max(application.current_step, step + 1),
            **values,
        )
    except ValidationError as error:
        show_errors(request, error)
        return False
    messages.success(request, _("Brouillon enregistré."))
    return True


@signed_in
def application_edit(request, pk: int, step: int):
    application = application_for(request, pk)
    require(perms.can_edit_application(request.user, application))
    if step not in STEPS:
        return redirect("calls:application_edit", pk, 1)
    form = _step_form(step, application, request.POST or None) if step in (1, 2) else None
    if form is not None and request.method == "POST" and form.is_valid():
        if _save_step(request, application, step, form):
            return redirect("calls:application_edit", pk, step + 1)
        return redirect("calls:application_edit", pk, step)
    context = {
        "application": application,
        "call": application.call,
        "step": step,
        "steps": STEPS,
        "step_label": STEPS[step],
        "form": form,
        "upload_form": UploadForm(),
        "file_fields": application.call.fields.filter(kind=FieldKind.FILE),
        "documents": application.documents.all(),
        "problems": eligibility_problems(application) if step == 4 else [],
    }
    return render(request, "calls/application_edit.html", context)


@signed_in
@require_POST
def upload_document(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_edit_application(request.user, application))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("calls:application_edit", pk, 3)
    label = form.cleaned_data["label"]
    field = application.call.fields.filter(kind=FieldKind.FILE, label=label).first()
    try:
        actions.attach_document(
            application, form.cleaned_data["file"], label=label, field=field, actor=request.user
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Pièce ajoutée."))
    return redirect("calls:application_edit", pk, 3)


@signed_in
@require_POST
def delete_document(request, pk: int, document_pk: int):
    application = application_for(request, pk)
    require(perms.can_edit_application(request.user, application))
    document = get_object_or_404(ApplicationDocument, pk=document_pk, application=application)
    actions.remove_document(document, actor=request.user)
    messages.success(request, _("Pièce retirée."))
    return redirect("calls:application_edit", pk, 3)


@signed_in
@require_POST
def submit(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_edit_application(request.user, application))
    try:
        actions.submit_application(application, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("calls:application_edit", pk, 4)
    messages.success(
        request, _("Votre candidature est déposée. Un accusé de réception vous est envoyé.")
    )
    return redirect("calls:receipt", pk)


@signed_in
def receipt(request, pk: int):
    application = application_for(request, pk)
    require(
        perms.is_owner(request.user, application)
        or perms.can_instruct_application(request.user, application)
    )
    require(application.submitted_at is not None)
    return render(request, "calls/receipt.html", {"application": application})


@signed_in
@require_POST
def post_message(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_send_message(request.user, application))
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            send_message(application, body=form.cleaned_data["body"], actor=request.user)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Message envoyé."))
    return redirect("calls:application_detail", pk)
