"""Admin of the external lists. Read-only: the lists are only written by their import commands
(`essor ess list`, `essor ess siae`), which replace a whole list at once."""

from django.contrib import admin

from essor.ess.models import ListEntry, ListImport, SiaeEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ListImport)
class ListImportAdmin(ReadOnlyAdmin):
    list_display = ("kind", "imported_at", "is_current", "rows_read", "rows_kept", "source")
    list_filter = ("kind", "is_current")
    search_fields = ("source", "sha256")
    date_hierarchy = "imported_at"


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ("siren", "kind", "name", "list_import")
    list_filter = ("kind",)
    search_fields = ("siren", "name")
    list_select_related = ("list_import",)


@admin.register(SiaeEntry)
class SiaeEntryAdmin(ReadOnlyAdmin):
    list_display = ("siret", "kind", "name", "postal_code", "commune_name", "naf", "legal_form")
    list_filter = ("kind",)
    search_fields = ("siret", "siren", "name", "commune_name")
