"""Public pages: published calls (list with filters, detail) and their open-data exports."""

import csv

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from essor.calls import perms
from essor.calls.enums import CallKind, CallStatus
from essor.calls.models import Call
from essor.ess.themes import Theme

MAX_QUERY = 100
EXPORT_COLUMNS = [
    "id",
    "titre",
    "type",
    "organisation",
    "description",
    "date_ouverture",
    "date_cloture",
    "thematiques",
    "enveloppe",
    "statut",
    "url",
]


def _filtered(request):
    calls = Call.objects.published().select_related("organisation").order_by("closes_at", "pk")
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    theme = request.GET.get("theme", "")
    kind = request.GET.get("type", "")
    if query:
        calls = calls.filter(title__icontains=query)
    if theme in Theme.values:
        calls = [c for c in calls if theme in c.themes]
    if kind in CallKind.values:
        calls = [c for c in calls if c.kind == kind]
    if request.GET.get("ouverts"):
        now = timezone.now()
        calls = [c for c in calls if c.status == CallStatus.PUBLISHED and c.closes_at >= now]
    return list(calls), {
        "q": query,
        "theme": theme,
        "type": kind,
        "ouverts": bool(request.GET.get("ouverts")),
    }


def call_list(request):
    calls, filters = _filtered(request)
    context = {
        "calls": calls,
        "filters": filters,
        "themes": Theme.choices,
        "kinds": CallKind.choices,
        "now": timezone.now(),
        "query": request.GET.urlencode(),
    }
    return render(request, "calls/call_list.html", context)


def call_detail(request, slug: str):
    call = get_object_or_404(Call.objects.visible_to(request.user), slug=slug)
    context = {
        "call": call,
        "fields": call.fields.all(),
        "is_open": call.status == CallStatus.PUBLISHED
        and call.opens_at <= timezone.now() <= call.closes_at,
        "can_manage": perms.can_manage_call(request.user, call),
        "themes": [Theme(t).label for t in call.themes],
    }
    return render(request, "calls/call_detail.html", context)


def _record(request, call: Call) -> dict:
    return {
        "id": f"{call.organisation.slug}-{call.pk}",
        "titre": call.title,
        "type": call.get_kind_display(),
        "organisation": call.organisation.name,
        "description": call.description,
        "date_ouverture": timezone.localtime(call.opens_at).isoformat(),
        "date_cloture": timezone.localtime(call.closes_at).isoformat(),
        "thematiques": [str(Theme(t).label) for t in call.themes],
        "enveloppe": str(call.envelope),
        "statut": call.get_status_display(),
        "url": request.build_absolute_uri(call.get_absolute_url()),
    }


def calls_json(request):
    calls, _filters = _filtered(request)
    data = {"appels": [_record(request, c) for c in calls]}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


def calls_csv(request):
    calls, _filters = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appels-publics.csv"'
    writer = csv.DictWriter(response, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for call in calls:
        record = _record(request, call)
        record["thematiques"] = ";".join(record["thematiques"])
        writer.writerow(record)
    return response
