"""Admin of the observatory: the editable NAF lists of the thematic fields, manual tags (both
written through essor.observatory.actions, audited) and the indicator computations (with a
« recalculer » action)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from essor.accounts import audit
from essor.observatory import actions
from essor.observatory.models import IndicatorSet, ThemeNafCode, ThemeTag

STALE_NOTE = (
    "Les indicateurs pré-calculés sont marqués périmés : les champs thématiques sont lus dans le "
    "détail jusqu'au prochain « essor indicators compute » (ou l'action « Recalculer » des "
    "calculs des indicateurs)."
)


@admin.register(ThemeNafCode)
class ThemeNafCodeAdmin(admin.ModelAdmin):
    list_display = ("theme", "naf", "note")
    list_filter = ("theme",)
    search_fields = ("naf", "note")

    def save_model(self, request, obj, form, change):
        if not change:
            try:
                created = actions.add_theme_naf(
                    obj.theme, obj.naf, actor=request.user, note=obj.note, source="admin"
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return
            obj.pk = created.pk
        else:
            before = audit.snapshot(ThemeNafCode.objects.get(pk=obj.pk), actions.NAF_FIELDS)
            obj.save()
            after = audit.snapshot(obj, actions.NAF_FIELDS)
            audit.record(
                request.user,
                "observatory.theme_naf.updated",
                obj,
                changes=audit.diff(before, after),
                source="admin",
            )
        self.message_user(request, STALE_NOTE, messages.WARNING)

    def delete_model(self, request, obj):
        actions.remove_theme_naf(obj, actor=request.user, source="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.remove_theme_naf(obj, actor=request.user, source="admin")


@admin.register(ThemeTag)
class ThemeTagAdmin(admin.ModelAdmin):
    list_display = ("siren", "theme", "note", "created_by", "created_at")
    list_filter = ("theme",)
    search_fields = ("siren", "note")
    readonly_fields = ("created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            created = actions.tag_legal_unit(
                obj.siren, obj.theme, actor=request.user, note=obj.note, source="admin"
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        obj.pk = created.pk
        self.message_user(request, STALE_NOTE, messages.WARNING)

    def delete_model(self, request, obj):
        actions.untag_legal_unit(obj, actor=request.user, source="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.untag_legal_unit(obj, actor=request.user, source="admin")


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("run", "computed_at", "cells", "stale")
    readonly_fields = ("run", "computed_at", "cells", "step_durations", "stale")
    actions = ["recompute"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description="Recalculer les indicateurs de l'import en ligne (une minute environ à l'échelle nationale)"
    )
    def recompute(self, request, queryset):
        from essor.observatory.compute import compute_indicators

        indicators = compute_indicators(progress=False)
        self.message_user(
            request, f"Indicateurs recalculés : {indicators.cells} cellules.", messages.SUCCESS
        )
