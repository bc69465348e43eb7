"""Reviewer pages: assigned applications only, conflict-of-interest declaration before scoring,
a score and a comment per criterion, private notes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.calls import perms
from essor.calls.actions import instruction, reviews
from essor.calls.forms import ConflictForm, NoteForm
from essor.calls.models import Application
from essor.calls.views.common import application_for, require, show_errors, signed_in
from essor.innovation.models import Assessment


@signed_in
def my_reviews(request):
    applications = (
        Application.objects.filter(assignments__reviewer=request.user)
        .select_related("call")
        .order_by("call", "pk")
    )
    assignments = {a.application_id: a for a in request.user.review_assignments.all()}
    rows = [(application, assignments.get(application.pk)) for application in applications]
    return render(request, "calls/my_reviews.html", {"rows": rows})


def _criteria(application: Application, assessment: Assessment | None):
    values = {}
    if assessment is not None:
        values = {s.criterion_id: s for s in assessment.scores.all()}
    categories = application.call.grid_version.categories.prefetch_related("criteria")
    return [
        (category, [(criterion, values.get(criterion.pk)) for criterion in category.criteria.all()])
        for category in categories.order_by("position", "pk")
    ]


def _posted_scores(request, application: Application) -> dict:
    scores = {}
    for _category, criteria in _criteria(application, None):
        for criterion, _score in criteria:
            raw = request.POST.get(f"score_{criterion.pk}", "")
            value = int(raw) if raw.isdigit() else None
            scores[criterion.pk] = (value, request.POST.get(f"comment_{criterion.pk}", "").strip())
    return scores


@signed_in
def review(request, pk: int):
    application = application_for(request, pk)
    assignment = perms.assignment_of(request.user, application)
    require(assignment is not None)
    if request.method == "POST":
        require(perms.can_review_application(request.user, application))
        try:
            reviews.save_review(
                application,
                _posted_scores(request, application),
                actor=request.user,
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Évaluation enregistrée."))
            return redirect("calls:review", pk)
    context = {
        "application": application,
        "assignment": assignment,
        "conflict_form": ConflictForm() if assignment.has_conflict is None else None,
        "can_score": perms.can_review_application(request.user, application),
        "categories": _criteria(application, assignment.assessment)
        if application.call.grid_version
        else [],
        "note_form": NoteForm(),
    }
    return render(request, "calls/review.html", context)


@signed_in
@require_POST
def declare_conflict(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_declare_conflict(request.user, application))
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            instruction.declare_conflict(application, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Déclaration enregistrée."))
    else:
        messages.error(request, _("Répondez à la question sur le conflit d'intérêts."))
    return redirect("calls:review", pk)


@signed_in
@require_POST
def add_note(request, pk: int):
    application = application_for(request, pk)
    require(perms.can_read_reviews(request.user, application))
    form = NoteForm(request.POST)
    if form.is_valid():
        reviews.add_private_note(application, body=form.cleaned_data["body"], actor=request.user)
        messages.success(request, _("Note ajoutée."))
    back = "calls:review" if request.POST.get("back") == "review" else "calls:application_detail"
    return redirect(back, pk)
