"""One application seen by whoever may see it: applicant, assigned reviewer or staff. Each
section is shown only to the roles allowed by perms."""

from django.shortcuts import render

from essor.calls import perms
from essor.calls.forms import (
    AdmissibilityForm,
    AssignForm,
    CommitteeForm,
    DecisionForm,
    MessageForm,
    NoteForm,
)
from essor.calls.views.common import application_for, signed_in
from essor.calls.views.staff_forms import reviewer_choices


@signed_in
def application_detail(request, pk: int):
    application = application_for(request, pk)
    user = request.user
    staff = perms.can_instruct_application(user, application)
    context = {
        "application": application,
        "call": application.call,
        "is_owner": perms.is_owner(user, application),
        "staff": staff,
        "can_decide": perms.can_decide_application(user, application),
        "can_edit": perms.can_edit_application(user, application),
        "can_message": perms.can_send_message(user, application),
        "can_read_reviews": perms.can_read_reviews(user, application),
        "assignment": perms.assignment_of(user, application),
        "transitions": application.transitions.select_related("actor"),
        "documents": application.documents.all(),
        "answers": [
            (field.label, application.answers.get(field.key, ""))
            for field in application.call.fields.all()
        ],
    }
    if context["can_message"]:
        context["messages_list"] = application.messages.select_related("author")
        context["message_form"] = MessageForm()
    if context["can_read_reviews"]:
        context["notes"] = application.private_notes.select_related("author")
        context["note_form"] = NoteForm()
        context["assignments"] = application.assignments.select_related("reviewer")
    if staff:
        context.update(
            admissibility_form=AdmissibilityForm(),
            assign_form=AssignForm(reviewers=reviewer_choices(application)),
            committee_form=CommitteeForm(initial={"amount_proposed": application.amount_proposed}),
            decision_form=DecisionForm(initial={"amount_granted": application.amount_proposed}),
        )
    return render(request, "calls/application_detail.html", context)
