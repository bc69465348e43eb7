"""Read-only admin: every write on calls goes through the actions (and so the audit log)."""

from django.contrib import admin

from essor.calls import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "kind", "status", "opens_at", "closes_at", "envelope"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["title", "slug"]


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "call",
        "state",
        "submitted_at",
        "amount_requested",
        "amount_granted",
    ]
    list_filter = ["state", "call"]
    search_fields = ["siret", "structure_name", "project_title"]
    list_select_related = ["call"]


@admin.register(models.Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["application", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["to_state"]


@admin.register(models.Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "application", "amount", "convention_date"]


@admin.register(models.CallSettings)
class CallSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "official_name", "siret"]
