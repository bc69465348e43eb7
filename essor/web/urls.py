from django.urls import path

from essor.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("territoires/suggestions", views.territory_suggestions, name="territory_suggestions"),
    path("territoires/<str:kind>/<str:code>/", views.territory, name="territory"),
    path("territoires/<str:kind>/<str:code>/rapport/", views.report, name="report"),
    path(
        "territoires/<str:kind>/<str:code>/familles.csv",
        views.territory_families_csv,
        name="territory_families_csv",
    ),
    path("comparer/", views.compare, name="compare"),
    path("comparer/comparaison.csv", views.compare_csv, name="compare_csv"),
]
