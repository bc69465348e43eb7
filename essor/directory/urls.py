"""Actor pages, contributions and moderation under /annuaire/ (the search pages of
essor.directory.search share the prefix with other paths)."""

from django.urls import path

from essor.directory.views import contribute, moderation, public

app_name = "directory"

urlpatterns = [
    path("proposer/", contribute.propose_actor, name="propose_actor"),
    path("acteurs/<slug:slug>/", public.actor_detail, name="actor_detail"),
    # Same page under the name the search pages reverse (essor.directory.search.views).
    path("acteurs/<slug:slug>/", public.actor_detail, name="actor"),
    path("acteurs/<slug:slug>/logo/", public.actor_logo, name="actor_logo"),
    path("acteurs/<slug:slug>/modifier/", contribute.actor_suggest, name="actor_suggest"),
    path("acteurs/<slug:slug>/revendiquer/", contribute.actor_claim, name="actor_claim"),
    path("acteurs/<slug:slug>/signaler/", contribute.actor_report, name="actor_report"),
    path("acteurs/<slug:slug>/champs/", moderation.custom_values, name="custom_values"),
    path("acteurs/<slug:slug>/supprimer/", moderation.actor_remove, name="actor_remove"),
    path("acteurs/<slug:slug>/membres/", moderation.ptce_member_add, name="ptce_member_add"),
    path(
        "acteurs/<slug:slug>/membres/<slug:member>/retirer/",
        moderation.ptce_member_remove,
        name="ptce_member_remove",
    ),
    path("moderation/", moderation.moderation_queue, name="moderation_queue"),
    path("moderation/versions/<int:pk>/", moderation.version_detail, name="version_detail"),
    path("moderation/versions/<int:pk>/fusion/", moderation.merge, name="merge"),
    path("moderation/versions/<int:pk>/logo/", moderation.version_logo, name="version_logo"),
    path("moderation/revendications/<int:pk>/", moderation.claim_decide, name="claim_decide"),
    path("moderation/signalements/<int:pk>/", moderation.report_close, name="report_close"),
]
