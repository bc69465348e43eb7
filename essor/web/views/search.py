"""Territory search: the home page box and its htmx suggestions."""

from django.shortcuts import render

from essor.territories.search import search_territories

MAX_QUERY_LENGTH = 100


def query_of(request) -> str:
    return request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]


def home(request):
    query = query_of(request)
    results = search_territories(query, limit=15) if query else []
    return render(request, "web/home.html", {"query": query, "results": results})


def territory_suggestions(request):
    query = query_of(request)
    results = search_territories(query, limit=8) if len(query) >= 2 else []
    return render(request, "web/_search_results.html", {"query": query, "results": results})
