from django.contrib import admin

from essor.directory.admin import HTTPS_URLS
from essor.directory.exchange.models import ExternalSource, ImportBatch, SavedSearch, SourceRun


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "file_name", "organisation", "kind", "status", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


class SourceRunInline(admin.TabularInline):
    model = SourceRun
    extra = 0
    readonly_fields = ["started_at", "finished_at", "status", "size", "counts", "message", "batch"]
    can_delete = False


@admin.register(ExternalSource)
class ExternalSourceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "organisation", "format", "frequency", "active", "last_run_at"]
    list_filter = ["format", "frequency", "active"]
    inlines = [SourceRunInline]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "frequency", "last_run"]
    readonly_fields = ["last_seen", "last_hash", "last_run"]
