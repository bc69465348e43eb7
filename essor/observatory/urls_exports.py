from django.urls import path

from essor.observatory import views_exports

app_name = "observatory_exports"
urlpatterns = [
    path(
        "territoires/<str:kind>/<str:code>/tableaux/<slug:slug>.<str:fmt>",
        views_exports.table,
        name="table",
    ),
    path(
        "territoires/<str:kind>/<str:code>/tableaux/<slug:slug>",
        views_exports.table_form,
        name="table_form",
    ),
    path(
        "territoires/<str:kind>/<str:code>/portrait.<str:fmt>",
        views_exports.portrait,
        name="portrait",
    ),
]
