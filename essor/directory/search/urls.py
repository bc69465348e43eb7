from django.urls import path

from essor.directory.search import views

app_name = "directory_search"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("suggestions", views.suggestions, name="suggestions"),
    path("carte.json", views.map_json, name="map"),
    path("fonds.json", views.outlines, name="outlines"),
    path("widget/", views.widget, name="widget"),
]
