"""The project's URLs plus the directory, for tests run before essor/urls.py includes it."""

from django.urls import include, path

from essor import urls as root

urlpatterns = list(root.urlpatterns)
if not any(getattr(p, "namespace", None) == "directory" for p in urlpatterns):
    urlpatterns.insert(0, path("annuaire/", include("essor.directory.urls")))
