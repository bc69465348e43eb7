"""The grant of an accepted application: convention, payment schedule, payments, expected
reports and result indicators. The beneficiary reads it; the call's staff edit it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.calls import perms
from essor.calls.actions import grants as actions
from essor.calls.forms_grants import (
    IndicatorForm,
    PaidForm,
    ReceivedForm,
    ReportForm,
    ScheduleFormSet,
)
from essor.calls.models import Grant
from essor.calls.views.common import application_for, require, show_errors, signed_in


def _grant(request, pk: int, *, edit: bool) -> Grant:
    application = application_for(request, pk)
    allowed = perms.can_instruct_application(request.user, application)
    require(allowed or (not edit and perms.is_owner(request.user, application)))
    try:
        return application.grant
    except Grant.DoesNotExist:
        raise Http404 from None


def _schedule_formset(grant: Grant, data=None):
    initial = [
        {"kind": p.kind, "amount": p.amount, "due_on": p.due_on} for p in grant.payments.all()
    ]
    formset = ScheduleFormSet(data, initial=initial, prefix="echeance")
    formset.extra = 2
    return formset


@signed_in
def grant_detail(request, pk: int):
    grant = _grant(request, pk, edit=False)
    staff = perms.can_instruct_application(request.user, grant.application)
    context = {
        "grant": grant,
        "application": grant.application,
        "staff": staff,
        "payments": grant.payments.all(),
        "reports": grant.reports.all(),
        "indicators": grant.indicators.all(),
    }
    if staff:
        context.update(
            schedule=_schedule_formset(grant),
            paid_form=PaidForm(),
            report_form=ReportForm(),
            received_form=ReceivedForm(),
            indicator_form=IndicatorForm(),
        )
    return render(request, "calls/grant_detail.html", context)


def _done(request, pk: int, call, success: str):
    try:
        call()
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("calls:grant_detail", pk)


@signed_in
@require_POST
def grant_schedule(request, pk: int):
    grant = _grant(request, pk, edit=True)
    formset = _schedule_formset(grant, request.POST)
    if not formset.is_valid():
        messages.error(request, _("Échéancier invalide."))
        return redirect("calls:grant_detail", pk)
    rows = [row for row in (form.row() for form in formset) if row]
    return _done(
        request,
        pk,
        lambda: actions.set_payment_schedule(grant, rows, actor=request.user),
        _("Échéancier enregistré."),
    )


@signed_in
@require_POST
def grant_paid(request, pk: int, payment_pk: int):
    grant = _grant(request, pk, edit=True)
    payment = get_object_or_404(grant.payments, pk=payment_pk)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date du versement."))
        return redirect("calls:grant_detail", pk)
    return _done(
        request,
        pk,
        lambda: actions.record_payment(payment, actor=request.user, **form.cleaned_data),
        _("Versement enregistré."),
    )


@signed_in
@require_POST
def grant_report(request, pk: int):
    grant = _grant(request, pk, edit=True)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la pièce et sa date."))
        return redirect("calls:grant_detail", pk)
    return _done(
        request,
        pk,
        lambda: actions.add_report(grant, actor=request.user, **form.cleaned_data),
        _("Compte rendu attendu ajouté."),
    )


@signed_in
@require_POST
def grant_report_received(request, pk: int, report_pk: int):
    grant = _grant(request, pk, edit=True)
    report = get_object_or_404(grant.reports, pk=report_pk)
    form = ReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de réception."))
        return redirect("calls:grant_detail", pk)
    return _done(
        request,
        pk,
        lambda: actions.receive_report(report, actor=request.user, **form.cleaned_data),
        _("Réception enregistrée."),
    )


@signed_in
@require_POST
def grant_indicator(request, pk: int):
    grant = _grant(request, pk, edit=True)
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indicateur incomplet."))
        return redirect("calls:grant_detail", pk)
    return _done(
        request,
        pk,
        lambda: actions.save_indicator(grant, actor=request.user, **form.cleaned_data),
        _("Indicateur enregistré."),
    )
