"""Pages of the directory's imports (organisation moderators and admins), exports and feed
(everyone), open-data downloads (everyone) and saved searches (signed-in users)."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essor.directory.exchange import alerts, exports, importers, perms, records
from essor.directory.exchange.enums import BatchKind, BatchStatus, RowStatus, SourceFormat
from essor.directory.exchange.files import FileRefused, discard, load, read_table, read_upload
from essor.directory.exchange.forms import (
    ExportForm,
    MappingForm,
    PolicyForm,
    SaveSearchForm,
    SourceForm,
    UploadForm,
)
from essor.directory.exchange.importers import common, members
from essor.directory.exchange.models import ImportBatch, SavedSearch

PREVIEW_ROWS_SHOWN = 500
# A confirmation writes for about this long per request, then the page offers to continue.
CONFIRM_BUDGET_SECONDS = 20
SAMPLE_ROWS = 5


def dump_dir() -> Path:
    return Path(settings.VAR_DIR) / "opendata" / "annuaire"


def _show(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _organisation(request, slug: str):
    """An organisation the user may import for; 404 otherwise (same answer as missing)."""
    return get_object_or_404(perms.importing_organisations(request.user), slug=slug)


def _batch(request, pk: int) -> ImportBatch:
    organisations = perms.importing_organisations(request.user)
    queryset = ImportBatch.objects.filter(organisation__in=organisations).select_related(
        "organisation", "author"
    )
    return get_object_or_404(queryset, pk=pk)


# Imports ------------------------------------------------------------------------------------
@login_required
def imports_home(request):
    organisations = perms.importing_organisations(request.user)
    if not organisations.exists():
        raise Http404
    batches = ImportBatch.objects.filter(organisation__in=organisations).select_related(
        "organisation", "author"
    )[:50]
    return render(
        request,
        "directory/exchange/imports_home.html",
        {"organisations": organisations, "batches": batches},
    )


@login_required
def import_new(request, organisation_slug: str):
    organisation = _organisation(request, organisation_slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            data = read_upload(uploaded)
            batch = importers.start_batch(
                organisation,
                request.user,
                kind=form.cleaned_data["kind"],
                data=data,
                file_name=uploaded.name,
            )
        except ValidationError as error:
            _show(request, error)
        else:
            if batch.kind == BatchKind.MEMBERS:
                return redirect("directory_exchange:import_mapping", batch.pk)
            return redirect("directory_exchange:import_preview", batch.pk)
    return render(
        request,
        "directory/exchange/import_new.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def import_mapping(request, pk: int):
    batch = _batch(request, pk)
    if batch.kind != BatchKind.MEMBERS or batch.status not in (
        BatchStatus.UPLOADED,
        BatchStatus.PREVIEWED,
    ):
        return redirect("directory_exchange:import_preview", batch.pk)
    initial = {**batch.mapping, "conflict_policy": batch.conflict_policy}
    form = MappingForm(request.POST or None, columns=batch.columns, initial=initial)
    sample = []
    try:
        table = read_table(load(batch.stored_name))
        sample = [cells for _line, cells in table.rows[:SAMPLE_ROWS]]
    except FileRefused as error:
        _show(request, error)
        table = None
    if request.method == "POST" and form.is_valid() and table is not None:
        try:
            importers.set_mapping(batch, form.mapping(), form.cleaned_data["conflict_policy"])
        except ValidationError as error:
            _show(request, error)
        else:
            return redirect("directory_exchange:import_preview", batch.pk)
    return render(
        request,
        "directory/exchange/import_mapping.html",
        {"batch": batch, "form": form, "sample": sample, "columns": batch.columns},
    )


@login_required
def import_preview(request, pk: int):
    batch = _batch(request, pk)
    if batch.status == BatchStatus.UPLOADED:
        return redirect("directory_exchange:import_mapping", batch.pk)
    groups = []
    for status, title in (
        (RowStatus.MATCHED, _("Rapprochés")),
        (RowStatus.NEW, _("Nouveaux")),
        (RowStatus.CONFLICT, _("Conflits")),
        (RowStatus.REJECTED, _("Rejetés")),
    ):
        rows = [r for r in batch.preview if r["status"] == status]
        groups.append(
            {
                "status": status,
                "title": title,
                "count": len(rows),
                "rows": rows[:PREVIEW_ROWS_SHOWN],
                "truncated": len(rows) > PREVIEW_ROWS_SHOWN,
            }
        )
    context = {
        "batch": batch,
        "groups": groups,
        "policy_form": PolicyForm(initial={"conflict_policy": batch.conflict_policy}),
        "labels": dict(members.TARGETS),
    }
    return render(request, "directory/exchange/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _batch(request, pk)
    try:
        result = common.apply(batch, request.user, budget_seconds=CONFIRM_BUDGET_SECONDS)
    except ValidationError as error:
        _show(request, error)
    else:
        if not result["done"]:
            batch.refresh_from_db()
            messages.info(
                request,
                _("Écriture en cours : %(n)s lignes sur %(total)s traitées. Poursuivez l'écriture.")
                % {"n": batch.applied, "total": len(batch.preview)},
            )
            return redirect("directory_exchange:import_preview", batch.pk)
        messages.success(
            request,
            _("Import confirmé : %(c)s acteur(s) créé(s), %(m)s modifié(s), %(s)s ignoré(s).")
            % {"c": result["created"], "m": result["changed"], "s": len(result["skipped"])},
        )
    return redirect("directory_exchange:import_preview", batch.pk)


@login_required
@require_POST
def import_policy(request, pk: int):
    """Recomputes a GoGoCarto preview with another conflict policy."""
    batch = _batch(request, pk)
    form = PolicyForm(request.POST)
    if batch.status == BatchStatus.PREVIEWED and form.is_valid():
        if batch.kind == BatchKind.MEMBERS:
            importers.set_mapping(batch, batch.mapping, form.cleaned_data["conflict_policy"])
        else:
            importers.set_policy(batch, form.cleaned_data["conflict_policy"])
        messages.success(request, _("Aperçu recalculé."))
    return redirect("directory_exchange:import_preview", batch.pk)


@login_required
@require_POST
def import_cancel(request, pk: int):
    batch = _batch(request, pk)
    if batch.status in (BatchStatus.UPLOADED, BatchStatus.PREVIEWED):
        batch.status = BatchStatus.CANCELLED
        batch.save(update_fields=["status"])
        discard(batch.stored_name)
        messages.success(request, _("Import abandonné : rien n'a été écrit dans l'annuaire."))
    return redirect("directory_exchange:imports_home")


@login_required
def sources(request, organisation_slug: str):
    organisation = _organisation(request, organisation_slug)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = form.save(commit=False)
        source.organisation = organisation
        source.created_by = request.user
        if source.format == SourceFormat.CSV:
            source.mapping = members.last_mapping(organisation)
            if not source.mapping.get("siret"):
                messages.error(
                    request,
                    _(
                        "Importez d'abord un CSV de cette source à la main : sa correspondance des colonnes sera réutilisée."
                    ),
                )
                return redirect("directory_exchange:sources", organisation.slug)
        source.save()
        messages.success(
            request, _("Source ajoutée : elle sera relue par « essor directory refresh ».")
        )
        return redirect("directory_exchange:sources", organisation.slug)
    items = organisation.directory_sources.prefetch_related("runs")
    return render(
        request,
        "directory/exchange/sources.html",
        {"organisation": organisation, "form": form, "sources": items},
    )


# Exports and feed ---------------------------------------------------------------------------
@require_GET
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx", "geojson"):
        raise Http404
    try:
        chosen = records.column_choice(request.GET.getlist("colonnes"))
    except ValueError as error:
        return HttpResponseBadRequest(
            _("Colonnes inconnues : %(bad)s. Colonnes possibles : %(ok)s")
            % {"bad": error, "ok": ", ".join(records.COLUMNS)},
            content_type="text/plain; charset=utf-8",
        )
    return exports.download(records.find(request.GET), chosen, fmt)


@require_GET
def export_any(request):
    """The export form's target: the format is a parameter (`format=csv|xlsx|geojson`)."""
    return export(request, request.GET.get("format") or "csv")


@require_GET
def export_form(request):
    """The export form for the search whose parameters are in the query string."""
    query = request.GET.copy()
    for name in ("colonnes", "format"):
        query.pop(name, None)
    hidden = [(k, v) for k in query for v in query.getlist(k)]
    return render(
        request,
        "directory/exchange/export.html",
        {"form": ExportForm(), "hidden": hidden, "count": len(records.find(query))},
    )


@require_GET
def gogocarto_feed(request):
    try:
        page = max(1, int(request.GET.get("page", "1")))
        per_page = min(
            exports.FEED_MAX_PAGE, max(1, int(request.GET.get("limite", exports.FEED_PAGE)))
        )
    except ValueError:
        return HttpResponseBadRequest("page et limite : nombres entiers attendus")

    def page_url(n):
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    found = records.find(request.GET)
    base = request.build_absolute_uri("/").rstrip("/")
    feed = exports.gogocarto_feed(
        found, page=page, per_page=per_page, page_url=page_url, base_url=base
    )
    return exports.gogocarto_response(feed)


@require_GET
def opendata(request):
    directory = dump_dir()
    files = []
    for name, text in exports.DUMP_FILES.items():
        path = directory / name
        if path.is_file():
            stat = path.stat()
            files.append({"name": name, "text": text, "size": stat.st_size, "mtime": stat.st_mtime})
    formats = [
        ("csv", _("CSV")),
        ("xlsx", _("XLSX")),
        ("geojson", _("GeoJSON")),
    ]
    return render(
        request,
        "directory/exchange/opendata.html",
        {
            "files": files,
            "formats": formats,
            "licence": exports.LICENCE,
            "licence_url": exports.LICENCE_URL,
        },
    )


@require_GET
def opendata_file(request, name: str):
    if name not in exports.DUMP_FILES:
        raise Http404
    path = dump_dir() / name
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


# Saved searches -----------------------------------------------------------------------------
@login_required
def saved_searches(request):
    searches = SavedSearch.objects.filter(user=request.user)
    return render(
        request,
        "directory/exchange/saved_searches.html",
        {"searches": searches, "search_url": alerts.search_page_url("")},
    )


@login_required
@require_POST
def save_search(request):
    form = SaveSearchForm(request.POST)
    if form.is_valid():
        try:
            alerts.save_search(
                request.user,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"] or "",
                frequency=form.cleaned_data["frequency"],
            )
        except ValidationError as error:
            _show(request, error)
        else:
            messages.success(
                request,
                _(
                    "Recherche enregistrée : vous recevrez un e-mail quand de nouveaux acteurs y répondront."
                ),
            )
            return redirect("directory_exchange:saved_searches")
    else:
        messages.error(request, _("Donnez un nom à la recherche."))
    return redirect("directory_exchange:saved_searches")


@login_required
@require_POST
def delete_search(request, pk: int):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    alerts.delete_search(search, request.user)
    messages.success(request, _("Recherche « %s » supprimée.") % search.name)
    return redirect("directory_exchange:saved_searches")
