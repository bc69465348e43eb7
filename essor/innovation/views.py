"""Public self-diagnosis pages (no account). Thin: rules live in esus.py, ess_status.py,
reading.py and scoring.py; the only write is the optional anonymous assessment."""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from essor.innovation import actions
from essor.innovation.default_grid import EDITABLE_NOTICE, default_version
from essor.innovation.ess_status import evaluate_ess
from essor.innovation.esus import SMIC_HORAIRE_BRUT, evaluate_esus, smic_annual, smic_date_label
from essor.innovation.forms import DiagnosisForm, StatusForm
from essor.innovation.reading import diagnosis_context

SELF_DIAGNOSIS = "autodiagnostic"


def index(request):
    return render(request, "innovation/index.html")


def diagnosis(request):
    version = default_version()
    if version is None:
        raise Http404(_("Aucune grille de caractérisation n'est publiée."))
    form = DiagnosisForm(version, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        context = diagnosis_context(version, form.values(), form.quick_answers())
        if form.cleaned_data["save"]:
            context["reference"] = _save(version, form)
            context["save_failed"] = context["reference"] is None
        return render(request, "innovation/diagnosis_result.html", context)
    context = {"form": form, "version": version, "editable_notice": EDITABLE_NOTICE}
    return render(request, "innovation/diagnosis_form.html", context)


def _save(version, form) -> str | None:
    reference = uuid.uuid4().hex[:12]
    scores = {pk: (value, "") for pk, value in form.values().items()}
    try:
        actions.save_assessment(
            version,
            scores,
            author=None,
            subject_type=SELF_DIAGNOSIS,
            subject_id=reference,
            quick_answers=form.quick_answers(),
        )
    except ValidationError:
        return None
    return reference


def status(request):
    form = StatusForm(request.POST if request.method == "POST" else None)
    smic = {"hourly": SMIC_HORAIRE_BRUT, "date": smic_date_label(), "annual": smic_annual()}
    if request.method == "POST" and form.is_valid():
        ess = evaluate_ess(form.structure_facts())
        esus = evaluate_esus(form.esus_facts(ess.outcome))
        context = {"ess": ess, "esus": esus, "smic": smic}
        return render(request, "innovation/status_result.html", context)
    return render(request, "innovation/status_form.html", {"form": form, "smic": smic})
