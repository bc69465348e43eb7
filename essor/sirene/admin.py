import json

from django.contrib import admin
from django.utils.html import format_html

from essor.sirene.models import Establishment, ImportRun, LegalUnit

JSON_FIELDS = ("sources", "rejected", "unknown_communes", "step_durations")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sirene data is only ever written by the import."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty(field: str):
    def show(self, obj):
        text = json.dumps(getattr(obj, field), ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    show.short_description = ImportRun._meta.get_field(field).verbose_name
    return show


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "started_at",
        "status",
        "is_current",
        "is_synthetic",
        "data_date",
        "establishments_read",
        "establishments_kept",
        "legal_units_kept",
    )
    list_filter = ("status", "is_current", "is_synthetic")
    exclude = JSON_FIELDS
    sources_pretty = _pretty("sources")
    rejected_pretty = _pretty("rejected")
    unknown_communes_pretty = _pretty("unknown_communes")
    step_durations_pretty = _pretty("step_durations")
    readonly_fields = (
        "sources_pretty",
        "rejected_pretty",
        "unknown_communes_pretty",
        "step_durations_pretty",
    )


@admin.register(LegalUnit)
class LegalUnitAdmin(ReadOnlyAdmin):
    list_display = ("siren", "name", "legal_category", "family", "in_statistique", "in_loi2014")
    list_filter = ("family", "in_statistique", "in_loi2014", "run__is_current")
    search_fields = ("=siren", "name", "usual_name", "sigle")
    list_select_related = ("run",)


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdmin):
    list_display = ("siret", "name", "enseigne", "commune_code", "state", "qpv_code")
    list_filter = ("state", "diffusion", "run__is_current")
    search_fields = ("=siret", "=siren", "name", "enseigne", "usual_name")
    raw_id_fields = ("legal_unit", "run")
