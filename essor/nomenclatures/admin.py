"""Admin of the nomenclatures: read-only lists with search (they come from INSEE files, loaded
by `essor referentials load`)."""

from django.contrib import admin

from essor.nomenclatures.models import LegalCategory, NafCode, WorkforceBand


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NafCode)
class NafCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "level", "label", "short_label", "parent", "section")
    list_filter = ("level", "section")
    search_fields = ("code", "label", "short_label")


@admin.register(LegalCategory)
class LegalCategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "level", "label", "parent")
    list_filter = ("level",)
    search_fields = ("code", "label")


@admin.register(WorkforceBand)
class WorkforceBandAdmin(ReadOnlyAdmin):
    list_display = ("code", "label", "minimum", "maximum", "midpoint", "rank")
    search_fields = ("code", "label")
