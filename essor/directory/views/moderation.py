"""Moderation: the queue of a moderator's territories (pending versions, claims, error reports),
the before/after view of a version with its probable duplicates, decisions, merge, removal, PTCE
members and the organisations' custom fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.directory import actions, duplicates, logos, perms
from essor.directory.enums import ClaimStatus, VersionKind, VersionStatus
from essor.directory.forms import DecisionForm, MergeForm, PtceMemberForm, RemoveForm
from essor.directory.models import Actor, ActorClaim, ActorVersion, CustomField, ErrorReport
from essor.directory.views.common import (
    Moved,
    display_value,
    field_label,
    ordered,
    require,
    resolve,
    show_errors,
)
from essor.territories.models import Commune


@login_required
def moderation_queue(request):
    require(perms.can_view_moderation_queue(request.user))
    actors = perms.moderated_actors(request.user)
    versions = (
        ActorVersion.objects.filter(status=VersionStatus.PENDING, actor__in=actors)
        .select_related("actor__commune")
        .order_by("-by_structure", "created_at", "pk")
    )
    claims = (
        ActorClaim.objects.filter(status=ClaimStatus.PENDING, actor__in=actors)
        .select_related("actor", "user")
        .order_by("created_at", "pk")
    )
    reports = (
        ErrorReport.objects.filter(closed_at__isnull=True, actor__in=actors)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    context = {"versions": versions, "claims": claims, "reports": reports}
    return render(request, "directory/moderation_queue.html", context)


def _moderated_version(request, pk: int) -> ActorVersion:
    version = get_object_or_404(ActorVersion.objects.select_related("actor__commune"), pk=pk)
    if not perms.can_moderate_actor(request.user, version.actor):
        raise Http404
    return version


def diff_rows(version: ActorVersion) -> list[dict]:
    """Before/after per field: before = the values replaced (validated version) or the current
    validated values (pending version; nothing for a new actor)."""
    if version.status == VersionStatus.VALIDATED:
        before = version.previous
    elif version.kind == VersionKind.CREATION:
        before = {}
    else:
        before = actions.actor_values(version.actor)
    codes = set()
    for values in (before, version.data):
        codes.update(v for v in [values.get("commune")] if v)
        codes.update(values.get("intervention_communes") or [])
    communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "label": field_label(name),
            "before": display_value(name, before.get(name), communes),
            "after": display_value(name, value, communes),
            "changed": before.get(name) != value,
        }
        for name, value in ordered(version.data)
    ]


@login_required
def version_detail(request, pk: int):
    version = _moderated_version(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        try:
            if decision == "approve":
                actions.approve_version(version, by=request.user, reason=reason)
            else:
                actions.refuse_version(version, by=request.user, reason=reason)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(
                request, _("Version validée.") if decision == "approve" else _("Version refusée.")
            )
            return redirect("directory:moderation_queue")
    context = {
        "version": version,
        "actor": version.actor,
        "rows": diff_rows(version),
        "form": form,
        "candidates": duplicates.find_duplicates(version.actor),
        "merge_form": MergeForm(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/version_detail.html", context, status=status)


@login_required
def version_logo(request, pk: int):
    """The logo proposed by a version, for its moderators (not public before approval)."""
    version = _moderated_version(request, pk)
    name = version.data.get("logo", "")
    path = logos.logo_path(name)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=logos.content_type_of(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def merge(request, pk: int):
    """Merges the actor of version `pk` (the duplicate) into the actor named by `keep`."""
    version = _moderated_version(request, pk)
    form = MergeForm(request.POST)
    slug = form.cleaned_data["keep"] if form.is_valid() else ""
    try:
        with transaction.atomic():
            keep = Actor.objects.filter(slug=slug).first()
            if keep is None and slug.isdigit() and len(slug) == 9:
                keep = actions.actor_for_siren(slug, by=request.user)  # a Sirene unit
            if keep is None or not perms.can_moderate_actor(request.user, keep):
                raise ValidationError(_("Acteur à garder introuvable dans vos territoires."))
            duplicates.merge_actors(keep, version.actor, request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("directory:version_detail", pk)
    messages.success(request, _("Fusion faite : « %s » est gardé.") % keep.name)
    return redirect("directory:actor_detail", keep.slug)


@login_required
@require_POST
def claim_decide(request, pk: int):
    claim = get_object_or_404(ActorClaim.objects.select_related("actor"), pk=pk)
    if not perms.can_moderate_actor(request.user, claim.actor):
        raise Http404
    accept = request.POST.get("decision") == "approve"
    try:
        actions.decide_claim(
            claim, by=request.user, accept=accept, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Demande acceptée.") if accept else _("Demande refusée."))
    return redirect("directory:moderation_queue")


@login_required
@require_POST
def report_close(request, pk: int):
    report = get_object_or_404(ErrorReport.objects.select_related("actor"), pk=pk)
    if not perms.can_moderate_actor(request.user, report.actor):
        raise Http404
    try:
        actions.close_report(report, by=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Signalement marqué comme traité."))
    return redirect("directory:moderation_queue")


def _actor_row(request, slug: str):
    try:
        target = resolve(request, slug)
    except Moved as moved:
        raise Http404 from moved
    if target.actor is None:
        raise Http404
    return target.actor


@login_required
@require_POST
def actor_remove(request, slug: str):
    actor = _actor_row(request, slug)
    require(perms.can_moderate_actor(request.user, actor))
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la suppression."))
        return redirect("directory:actor_detail", slug)
    try:
        actions.remove_actor(actor, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        show_errors(request, error)
        return redirect("directory:actor_detail", slug)
    messages.success(request, _("« %s » est retiré de l'annuaire.") % actor.name)
    return redirect("directory:moderation_queue")


@login_required
@require_POST
def ptce_member_add(request, slug: str):
    ptce = _actor_row(request, slug)
    require(perms.can_manage_ptce(request.user, ptce))
    form = PtceMemberForm(request.POST)
    member_slug = form.data.get("member", "").strip()
    try:
        with transaction.atomic():
            member = resolve(request, member_slug) if member_slug else None
            if member is None:
                raise ValidationError(_("Indiquez l'identifiant d'un acteur."))
            actor = member.actor or actions.actor_for_siren(member.slug, by=request.user)
            actions.add_ptce_member(ptce, actor, by=request.user)
    except (ValidationError, Http404, Moved) as error:
        if isinstance(error, ValidationError):
            show_errors(request, error)
        else:
            messages.error(request, _("Aucun acteur avec cet identifiant."))
    else:
        messages.success(request, _("Membre ajouté."))
    return redirect("directory:actor_detail", slug)


@login_required
@require_POST
def ptce_member_remove(request, slug: str, member: str):
    ptce = _actor_row(request, slug)
    require(perms.can_manage_ptce(request.user, ptce))
    link = ptce.ptce_members.filter(member__slug=member).select_related("member").first()
    if link is None:
        raise Http404
    actions.remove_ptce_member(ptce, link.member, by=request.user)
    messages.success(request, _("Membre retiré."))
    return redirect("directory:actor_detail", slug)


@login_required
def custom_values(request, slug: str):
    """The custom fields of the organisations the user works for, on this actor."""
    actor = _actor_row(request, slug)
    organisations = [
        org
        for org in perms.territory_organisations(actor)
        if perms.can_edit_custom_values(request.user, org)
    ]
    require(bool(organisations))
    fields = list(
        CustomField.objects.filter(organisation__in=organisations).order_by(
            "organisation__name", "label"
        )
    )
    current = {v.field_id: v.value for v in actor.custom_values.all()}
    if request.method == "POST":
        try:
            with transaction.atomic():
                for field in fields:
                    actions.set_custom_value(
                        actor, field, request.POST.get(f"f{field.pk}", ""), by=request.user
                    )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Champs enregistrés."))
            return redirect("directory:actor_detail", slug)
    rows = [{"field": f, "value": current.get(f.pk, "")} for f in fields]
    return render(request, "directory/custom_values.html", {"actor": actor, "rows": rows})
