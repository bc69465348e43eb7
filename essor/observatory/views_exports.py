"""Downloads of a territory portrait: one table or all of them, as CSV, XLSX, Parquet or JSON.

`?perimetre=statistique|loi2014`, `?colonnes=a,b,c` (one table: subset in this order),
`?sep=;` (CSV for French spreadsheets), `?entetes=libelles` (CSV header of labels, not keys).
Unknown territory or table → 404; bad format, perimeter, separator or column → 400 with the list of
what is possible. Formats and method: essor.observatory.exports.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from essor.observatory import exports


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def _columns(request) -> str:
    """`?colonnes=a,b` or, from the checkboxes of the column form, `?colonnes=a&colonnes=b`."""
    return ",".join(request.GET.getlist("colonnes"))


def _options(request) -> dict:
    return {
        "sep": request.GET.get("sep", ","),
        "labels": request.GET.get("entetes", "cles") == "libelles",
    }


def _attachment(export: exports.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _load(request, kind: str, code: str, fmt: str) -> exports.Portrait:
    exports.check_format(fmt)
    if request.GET.get("sep", ",") not in exports.SEPARATORS:
        raise exports.FormatError("Séparateur CSV possible : « , » ou « ; ».")
    try:
        return exports.load_portrait(kind, code, request.GET.get("perimetre"))
    except exports.NoImportError as error:
        raise Http404(str(error)) from error


@require_safe
def table(request, kind: str, code: str, slug: str, fmt: str):
    try:
        portrait = _load(request, kind, code, fmt)
        found = exports.find_table(portrait, slug)
        if found is None:
            raise Http404(f"Tableau inconnu « {slug} ».")
        columns = exports.parse_columns(_columns(request))
        export = exports.export_table(portrait, found, fmt, columns, **_options(request))
    except (exports.FormatError, exports.PerimeterError, exports.ColumnError) as error:
        return _bad_request(str(error))
    return _attachment(export)


@require_safe
def portrait(request, kind: str, code: str, fmt: str):
    try:
        found = _load(request, kind, code, fmt)
        export = exports.export_portrait(found, fmt, **_options(request))
    except (exports.FormatError, exports.PerimeterError) as error:
        return _bad_request(str(error))
    return _attachment(export)


# Format choices of the column form (essor/templates/observatory/_download.html): value → (format,
# CSV separator).
FORM_FORMATS = {
    "csv": ("csv", ","),
    "csv-tableur": ("csv", ";"),
    "xlsx": ("xlsx", ","),
    "parquet": ("parquet", ","),
    "json": ("json", ","),
}


@require_safe
def table_form(request, kind: str, code: str, slug: str):
    """Target of the column form, which works without JavaScript: redirects to the download URL
    of the chosen format, with the chosen columns (all when none is ticked)."""
    choice = request.GET.get("format", "csv")
    if choice not in FORM_FORMATS:
        return _bad_request(
            f"Format inconnu « {choice} » : formats possibles {', '.join(FORM_FORMATS)}."
        )
    fmt, sep = FORM_FORMATS[choice]
    query = {"perimetre": request.GET.get("perimetre", "statistique")}
    if _columns(request):
        query["colonnes"] = _columns(request)
    if sep != ",":
        query["sep"] = sep
    url = reverse("observatory_exports:table", args=[kind, code, slug, fmt])
    return redirect(f"{url}?{urlencode(query, safe=',;')}")
