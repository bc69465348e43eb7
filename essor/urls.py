from django.contrib import admin
from django.urls import include, path

from essor.api.urls import api

admin.site.site_header = "essor — administration"
admin.site.site_title = "essor"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("innovation/", include("essor.innovation.urls")),
    path("appels/", include("essor.calls.urls")),
    path("annuaire/", include("essor.directory.exchange.urls")),
    path("annuaire/", include("essor.directory.urls")),
    path("annuaire/", include("essor.directory.search.urls")),
    path("", include("essor.observatory.urls_exports")),
    path("", include("essor.web.urls")),
]
