"""The project's URLs plus the exchange pages and the directory, for tests run before
essor/urls.py includes them."""

from django.urls import include, path

from essor import urls as root

urlpatterns = list(root.urlpatterns)
namespaces = {getattr(p, "namespace", None) for p in urlpatterns}
if "directory_exchange" not in namespaces:
    urlpatterns.insert(0, path("annuaire/", include("essor.directory.exchange.urls")))
if "directory" not in namespaces:
    urlpatterns.append(path("annuaire/", include("essor.directory.urls")))
