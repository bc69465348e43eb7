"""Admin of grids: drafts are edited inline (categories, criteria, quick questions); published
versions are read-only, and edits go through the audit log. Assessments are read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essor.accounts import audit
from essor.innovation import actions
from essor.innovation.models import (
    Assessment,
    Category,
    Criterion,
    Grid,
    GridVersion,
    QuickQuestion,
    Score,
)


def _snapshots(formset) -> dict:
    """Field values, as stored, of the rows a formset is about to change."""
    model = formset.model
    fields = [f.name for f in model._meta.concrete_fields if f.name != "id"]
    pks = [form.instance.pk for form in formset.initial_forms if form.has_changed()]
    return {obj.pk: audit.snapshot(obj, fields) for obj in model.objects.filter(pk__in=pks)}


def _save_audited_formset(request, formset, prefix: str, save) -> None:
    before = _snapshots(formset)
    save()
    for obj in formset.new_objects:
        audit.record(request.user, f"innovation.{prefix}.added", obj, source="admin")
    for obj, _changed in formset.changed_objects:
        old = before.get(obj.pk, {})
        changes = audit.diff(old, audit.snapshot(obj, list(old)))
        if changes:
            audit.record(
                request.user, f"innovation.{prefix}.updated", obj, changes=changes, source="admin"
            )
    for obj in formset.deleted_objects:
        audit.record(request.user, f"innovation.{prefix}.removed", obj, source="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Saves from the admin are written to the audit log, with the fields before and after."""

    audit_prefix = ""

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name in form.fields]
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        changes = audit.diff(before, audit.snapshot(obj, fields))
        verb = "updated" if change else "created"
        if changes or not change:
            audit.record(
                request.user,
                f"innovation.{self.audit_prefix}.{verb}",
                obj,
                changes=changes,
                source="admin",
            )


class FrozenInlineMixin:
    """Inlines of a published version are read-only."""

    def _frozen(self, obj) -> bool:
        version = getattr(obj, "version", obj)
        return bool(version and getattr(version, "is_frozen", False))

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["label", "guidance", "scale", "weight", "required", "position"]

    def clean_scale(self):
        scale = self.cleaned_data["scale"]
        actions.validate_scale(scale)
        return scale


class CriterionInline(FrozenInlineMixin, admin.StackedInline):
    model = Criterion
    form = CriterionForm
    extra = 0


class CategoryInline(FrozenInlineMixin, admin.TabularInline):
    model = Category
    extra = 0
    fields = ["title", "description", "position"]
    show_change_link = True


class QuickQuestionInline(FrozenInlineMixin, admin.TabularInline):
    model = QuickQuestion
    extra = 0
    fields = ["text", "position"]


class VersionInline(admin.TabularInline):
    model = GridVersion
    extra = 0
    fields = ["number", "published_at", "notes"]
    readonly_fields = ["number", "published_at", "notes"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(AuditedAdmin):
    list_display = ["name", "slug", "organisation", "is_default"]
    list_filter = ["is_default", "organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionInline]

    audit_prefix = "grid"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            GridVersion.objects.create(grid=obj, number=1)


@admin.register(GridVersion)
class GridVersionAdmin(AuditedAdmin):
    audit_prefix = "version"
    list_display = ["grid", "number", "published_at"]
    list_filter = ["grid"]
    fields = ["grid", "number", "notes", "published_at"]
    readonly_fields = ["grid", "number", "published_at"]
    inlines = [CategoryInline, QuickQuestionInline]
    actions = ["publish", "copy_as_new_version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        prefix = "category" if formset.model is Category else "question"
        save = super().save_formset
        _save_audited_formset(
            request, formset, prefix, lambda: save(request, form, formset, change)
        )

    @admin.action(description=_("Publier les versions sélectionnées (elles seront figées)"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                actions.publish_version(version, actor=request.user, source="admin")
            except ValidationError as error:
                self.message_user(request, f"{version} : {error.messages[0]}", messages.ERROR)

    @admin.action(description=_("Créer une nouvelle version (brouillon) à partir de la sélection"))
    def copy_as_new_version(self, request, queryset):
        for version in queryset:
            copy = actions.new_version_from(version, actor=request.user, source="admin")
            self.message_user(request, _("Version %s créée en brouillon.") % copy)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_prefix = "category"
    list_display = ["title", "version", "position"]
    list_filter = ["version__grid"]
    fields = ["version", "title", "description", "position"]
    readonly_fields = ["version"]
    inlines = [CriterionInline]

    def has_module_permission(self, request):
        return False  # reached from a version's page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.version.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        save = super().save_formset
        _save_audited_formset(
            request, formset, "criterion", lambda: save(request, form, formset, change)
        )


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: assessments are written by actions (reviews, self-diagnoses)."""

    list_display = ["version", "author", "subject_type", "subject_id", "updated_at"]
    list_filter = ["subject_type", "version__grid"]
    search_fields = ["subject_id", "author__email"]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
