"""Test urlconf: the project's pages plus the innovation pages (not yet included in essor.urls)."""

from django.urls import include, path

urlpatterns = [
    path("innovation/", include("essor.innovation.urls")),
    path("", include("essor.urls")),
]
