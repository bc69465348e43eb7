"""Instruction pages of the staff: applications of a call (with column export), admissibility,
reviewers, committee ranking, decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.calls import exports, perms, ranking
from essor.calls.actions import instruction as actions
from essor.calls.forms import AdmissibilityForm, AssignForm, CommitteeForm, DecisionForm
from essor.calls.models import Application
from essor.calls.views.common import application_for, managed_call, require, show_errors, signed_in
from essor.calls.views.staff_forms import reviewer_choices


@signed_in
def call_applications(request, slug: str):
    call = managed_call(request, slug)
    chosen = [c for c in request.GET.getlist("col") if c in exports.COLUMNS] or exports.DEFAULT
    applications = Application.objects.filter(call=call).exclude(state="brouillon")
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return exports.applications_response(call, applications, chosen, fmt)
    context = {
        "call": call,
        "applications": applications.select_related("applicant"),
        "columns": exports.COLUMNS,
        "chosen": chosen,
    }
    return render(request, "calls/call_applications.html", context)


@signed_in
def committee(request, slug: str):
    call = managed_call(request, slug)
    require(perms.can_view_committee(request.user, call))
    context = {
        "call": call,
        "rows": ranking.rank_applications(call),
        "envelope": ranking.envelope(call),
        "categories": ranking.categories(call),
    }
    return render(request, "calls/committee.html", context)


def _run(request, pk: int, action, success: str, **kwargs):
    application = application_for(request, pk)
    require(perms.can_instruct_application(request.user, application))
    try:
        action(application, actor=request.user, **kwargs)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("calls:application_detail", pk)


@signed_in
@require_POST
def admissibility(request, pk: int):
    require(perms.can_instruct_application(request.user, application_for(request, pk)))
    form = AdmissibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez recevable ou irrecevable."))
        return redirect("calls:application_detail", pk)
    return _run(
        request,
        pk,
        actions.declare_admissibility,
        _("Recevabilité enregistrée."),
        **form.cleaned_data,
    )


@signed_in
@require_POST
def assign(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_instruct_application(request.user, application))
    form = AssignForm(request.POST, reviewers=reviewer_choices(application))
    if not form.is_valid():
        messages.error(request, _("Choisissez un·e évaluateur·rice de la liste."))
        return redirect("calls:application_detail", pk)
    reviewer = form.cleaned_data["reviewer"]
    return _run(
        request,
        pk,
        lambda app, actor: actions.assign_reviewer(app, reviewer, actor=actor),
        _("Évaluateur·rice désigné·e."),
    )


@signed_in
@require_POST
def close_reviews(request, pk: int):
    return _run(request, pk, actions.close_reviews, _("Avis clos."))


@signed_in
@require_POST
def to_committee(request, pk: int):
    require(perms.can_instruct_application(request.user, application_for(request, pk)))
    form = CommitteeForm(request.POST)
    amount = form.cleaned_data["amount_proposed"] if form.is_valid() else None
    return _run(
        request,
        pk,
        actions.send_to_committee,
        _("Dossier inscrit en comité."),
        amount_proposed=amount,
    )


@signed_in
@require_POST
def decide(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_decide_application(request.user, application))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Décision incomplète."))
        return redirect("calls:application_detail", pk)
    return _run(
        request, pk, actions.decide_application, _("Décision enregistrée."), **form.cleaned_data
    )
