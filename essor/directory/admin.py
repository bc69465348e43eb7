"""Read-mostly admin of the directory: every change to actors goes through the actions (and so
the moderation and the audit log). Custom fields can be added here (through the action)."""

from django.contrib import admin
from django.db.models import URLField

from essor.directory import actions, models

# A web address typed without a scheme means https (Django 6's default; 5.2 still says http).
HTTPS_URLS = {URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = models.ActorVersion
    fields = ["kind", "status", "by_structure", "created_at", "moderated_by", "moderated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Actor)
class ActorAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "kind", "status", "life_stage", "commune", "updated_at"]
    list_filter = ["status", "kind", "life_stage", "source"]
    search_fields = ["name", "slug", "siren", "siret", "description"]
    list_select_related = ["commune"]
    inlines = [VersionInline]


@admin.register(models.ActorVersion)
class ActorVersionAdmin(ReadOnlyAdmin):
    list_display = ["actor", "kind", "status", "by_structure", "created_at", "moderated_at"]
    list_filter = ["status", "kind", "by_structure"]
    search_fields = ["actor__name", "actor__slug", "author_email", "author__email"]
    list_select_related = ["actor"]


@admin.register(models.ActorClaim)
class ActorClaimAdmin(ReadOnlyAdmin):
    list_display = ["actor", "user", "status", "method", "created_at", "decided_at"]
    list_filter = ["status", "method"]
    search_fields = ["actor__name", "user__email"]


@admin.register(models.ErrorReport)
class ErrorReportAdmin(ReadOnlyAdmin):
    list_display = ["actor", "created_at", "closed_at"]
    search_fields = ["actor__name", "message", "email"]


@admin.register(models.CustomField)
class CustomFieldAdmin(ReadOnlyAdmin):
    list_display = ["label", "key", "organisation", "kind", "is_public"]
    list_filter = ["organisation", "is_public", "kind"]
    search_fields = ["label", "key"]
    fields = ["organisation", "key", "label", "kind", "choices", "is_public"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        created = actions.create_custom_field(
            obj.organisation,
            key=obj.key,
            label=obj.label,
            kind=obj.kind,
            choices=obj.choices or [],
            is_public=obj.is_public,
            by=request.user,
            source="admin",
        )
        obj.pk = created.pk


@admin.register(models.PtceMembership)
class PtceMembershipAdmin(ReadOnlyAdmin):
    list_display = ["ptce", "member", "since"]
    search_fields = ["ptce__name", "member__name"]
