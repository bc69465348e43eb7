from django.urls import path

from essor.calls.views import (
    accounts,
    applicant,
    detail,
    files,
    grants,
    instruction,
    public,
    review,
    staff,
)

app_name = "calls"
urlpatterns = [
    path("", public.call_list, name="call_list"),
    path("appels.json", public.calls_json, name="calls_json"),
    path("appels.csv", public.calls_csv, name="calls_csv"),
    path("compte/connexion/", accounts.SignInView.as_view(), name="login"),
    path("compte/deconnexion/", accounts.SignOutView.as_view(), name="logout"),
    path("compte/inscription/", accounts.signup, name="signup"),
    path("subventions/<slug:organisation_slug>.csv", files.scdl_csv, name="scdl_csv"),
    path("pieces/<int:pk>/", files.document, name="document"),
    # Applicants
    path("mes-candidatures/", applicant.my_applications, name="my_applications"),
    path("candidatures/<int:pk>/", detail.application_detail, name="application_detail"),
    path(
        "candidatures/<int:pk>/etape/<int:step>/",
        applicant.application_edit,
        name="application_edit",
    ),
    path("candidatures/<int:pk>/pieces/", applicant.upload_document, name="upload_document"),
    path(
        "candidatures/<int:pk>/pieces/<int:document_pk>/retirer/",
        applicant.delete_document,
        name="delete_document",
    ),
    path("candidatures/<int:pk>/deposer/", applicant.submit, name="submit"),
    path("candidatures/<int:pk>/recepisse/", applicant.receipt, name="receipt"),
    path("candidatures/<int:pk>/messages/", applicant.post_message, name="post_message"),
    # Reviewers
    path("mes-evaluations/", review.my_reviews, name="my_reviews"),
    path("candidatures/<int:pk>/evaluation/", review.review, name="review"),
    path("candidatures/<int:pk>/conflit/", review.declare_conflict, name="declare_conflict"),
    path("candidatures/<int:pk>/notes/", review.add_note, name="add_note"),
    # Staff
    path("gestion/", staff.staff_home, name="staff_home"),
    path("gestion/<slug:organisation_slug>/nouveau/", staff.call_create, name="call_create"),
    path("gestion/<slug:organisation_slug>/reglages/", staff.settings_edit, name="settings"),
    path("gestion/appel/<slug:slug>/", staff.call_edit, name="call_edit"),
    path("gestion/appel/<slug:slug>/champs/", staff.add_field, name="add_field"),
    path("gestion/appel/<slug:slug>/publier/", staff.publish, name="publish"),
    path("gestion/appel/<slug:slug>/clore/", staff.close, name="close"),
    path(
        "gestion/appel/<slug:slug>/candidatures/",
        instruction.call_applications,
        name="call_applications",
    ),
    path("gestion/appel/<slug:slug>/comite/", instruction.committee, name="committee"),
    path("candidatures/<int:pk>/recevabilite/", instruction.admissibility, name="admissibility"),
    path("candidatures/<int:pk>/evaluateurs/", instruction.assign, name="assign"),
    path("candidatures/<int:pk>/avis-rendus/", instruction.close_reviews, name="close_reviews"),
    path("candidatures/<int:pk>/comite/", instruction.to_committee, name="to_committee"),
    path("candidatures/<int:pk>/decision/", instruction.decide, name="decide"),
    # Grants
    path("candidatures/<int:pk>/subvention/", grants.grant_detail, name="grant_detail"),
    path(
        "candidatures/<int:pk>/subvention/echeancier/", grants.grant_schedule, name="grant_schedule"
    ),
    path(
        "candidatures/<int:pk>/subvention/versements/<int:payment_pk>/",
        grants.grant_paid,
        name="grant_paid",
    ),
    path(
        "candidatures/<int:pk>/subvention/comptes-rendus/", grants.grant_report, name="grant_report"
    ),
    path(
        "candidatures/<int:pk>/subvention/comptes-rendus/<int:report_pk>/",
        grants.grant_report_received,
        name="grant_report_received",
    ),
    path(
        "candidatures/<int:pk>/subvention/indicateurs/",
        grants.grant_indicator,
        name="grant_indicator",
    ),
    # Public detail last: its slug would catch the fixed paths above.
    path("<slug:slug>/", public.call_detail, name="call_detail"),
    path("<slug:slug>/candidater/", applicant.apply_start, name="apply_start"),
]
