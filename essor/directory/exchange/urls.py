"""Mounted at /annuaire/ (essor/urls.py), before the directory's own pages: these fixed paths
would otherwise be taken for actor identifiers."""

from django.urls import path

from essor.directory.exchange import views

app_name = "directory_exchange"
urlpatterns = [
    path("imports/", views.imports_home, name="imports_home"),
    path("imports/<slug:organisation_slug>/nouveau/", views.import_new, name="import_new"),
    path("imports/<slug:organisation_slug>/sources/", views.sources, name="sources"),
    path("imports/lot/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/lot/<int:pk>/colonnes/", views.import_mapping, name="import_mapping"),
    path("imports/lot/<int:pk>/confirmer/", views.import_confirm, name="import_confirm"),
    path("imports/lot/<int:pk>/conflits/", views.import_policy, name="import_policy"),
    path("imports/lot/<int:pk>/abandonner/", views.import_cancel, name="import_cancel"),
    path("export.<str:fmt>", views.export, name="export"),
    path("export/", views.export_any, name="export_any"),
    path("exporter/", views.export_form, name="export_form"),
    path("gogocarto.json", views.gogocarto_feed, name="gogocarto"),
    path("donnees-ouvertes/", views.opendata, name="opendata"),
    path("donnees-ouvertes/<str:name>", views.opendata_file, name="opendata_file"),
    path("mes-recherches/", views.saved_searches, name="saved_searches"),
    path("mes-recherches/enregistrer/", views.save_search, name="save_search"),
    path("mes-recherches/<int:pk>/supprimer/", views.delete_search, name="delete_search"),
]
