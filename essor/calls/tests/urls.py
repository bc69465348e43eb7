"""The project's URLs plus the calls app, for tests run before essor/urls.py includes it."""

from django.urls import include, path

from essor import urls as root

urlpatterns = list(root.urlpatterns)
if not any(getattr(p, "namespace", None) == "calls" for p in urlpatterns):
    urlpatterns.append(path("appels/", include("essor.calls.urls")))
