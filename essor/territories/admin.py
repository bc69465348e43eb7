"""Admin of the territorial referential. Geometry fields stay out of list views; the referential
itself is loaded by `essor referentials load`, so its rows are read-mostly here."""

from django.contrib import admin

from essor.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    Epci,
    Perimeter,
    Qpv,
    ReferentialLoad,
    Region,
)

SHAPE_READONLY = ["search_name", "lat", "lon", "bbox"]


class ShapeAdmin(admin.ModelAdmin):
    """Leaves the contour text out of list queries (it is only shown on the change form)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if getattr(request, "resolver_match", None) and request.resolver_match.url_name.endswith(
            "_changelist"
        ):
            queryset = queryset.defer("geometry")
        return queryset


@admin.register(Region)
class RegionAdmin(ShapeAdmin):
    list_display = ["code", "name", "siren", "population"]
    search_fields = ["code", "name", "search_name", "siren"]


@admin.register(Departement)
class DepartementAdmin(ShapeAdmin):
    list_display = ["code", "name", "region", "siren", "population"]
    list_filter = ["region"]
    search_fields = ["code", "name", "search_name", "siren"]
    list_select_related = ["region"]


@admin.register(Epci)
class EpciAdmin(ShapeAdmin):
    list_display = ["siren", "name", "nature", "population"]
    list_filter = ["nature"]
    search_fields = ["siren", "name", "search_name"]


class AliasInline(admin.TabularInline):
    model = CommuneAlias
    extra = 0
    fields = ["code", "name", "kind"]


@admin.register(Commune)
class CommuneAdmin(ShapeAdmin):
    list_display = ["code", "name", "kind", "departement", "epci", "postal_codes", "population"]
    list_filter = ["kind", "departement"]
    search_fields = ["code", "name", "search_name", "postal_codes", "siren"]
    list_select_related = ["departement", "epci"]
    raw_id_fields = ["parent", "epci", "departement"]
    readonly_fields = SHAPE_READONLY
    inlines = [AliasInline]


@admin.register(CommuneAlias)
class CommuneAliasAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "commune__code", "commune__name"]
    list_select_related = ["commune"]
    raw_id_fields = ["commune"]


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "generation", "population", "source"]
    list_filter = ["generation"]
    search_fields = ["code", "name", "search_name"]
    raw_id_fields = ["communes"]
    readonly_fields = [*SHAPE_READONLY, "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("geometry", "full_geometry")


@admin.register(Perimeter)
class PerimeterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organisation", "created_at"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["communes", "organisation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReferentialLoad)
class ReferentialLoadAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "source", "duration_s"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
