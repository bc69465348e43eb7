"""Saved searches and their e-mail alerts.

Saving a search records the actors it finds at that moment (a short hash of each one's public
fields), so the first alert only lists what is new or changed since the search was saved. Each
run of `essor directory alerts` handles the searches that are due (daily: 23 h since the last
run; weekly: 6 days 23 h), sends one e-mail per search that has news, and records the new state.
"""

import datetime
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.directory.exchange import records
from essor.directory.exchange.enums import AlertFrequency
from essor.directory.exchange.exports import record_url
from essor.directory.exchange.models import SavedSearch

# Parameters that only change the display, not the set of actors found.
DISPLAY_PARAMS = {
    "page",
    "limit",
    "offset",
    "colonnes",
    "format",
    "tri",
    "vue",
    "csrfmiddlewaretoken",
}
DUE_AFTER = {
    AlertFrequency.DAILY: datetime.timedelta(hours=23),
    AlertFrequency.WEEKLY: datetime.timedelta(days=6, hours=23),
}
MAX_LISTED = 50
MAX_SEARCHES_PER_USER = 50


def clean_query(query: str) -> str:
    """The query string without its display parameters, keys sorted (one search, one string)."""
    params = QueryDict(query.lstrip("?"))
    kept = [
        (key, value)
        for key in sorted(params)
        if key not in DISPLAY_PARAMS
        for value in params.getlist(key)
        if value.strip()
    ]
    return urlencode(kept)


def snapshot(query: str) -> dict[str, str]:
    return {r.key: r.fingerprint() for r in records.find(QueryDict(query))}


def _state_hash(seen: dict) -> str:
    return hashlib.sha256(repr(sorted(seen.items())).encode()).hexdigest()


def save_search(user, *, name: str, query: str, frequency: str) -> SavedSearch:
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Connectez-vous pour enregistrer une recherche."))
    if frequency not in AlertFrequency.values:
        raise ValidationError(_("Fréquence inconnue."))
    if SavedSearch.objects.filter(user=user).count() >= MAX_SEARCHES_PER_USER:
        raise ValidationError(
            _("Vous avez déjà %s recherches enregistrées : supprimez-en une d'abord.")
            % MAX_SEARCHES_PER_USER
        )
    query = clean_query(query)
    seen = snapshot(query)
    return SavedSearch.objects.create(
        user=user,
        name=(name.strip() or _("Ma recherche"))[:200],
        query=query[:2000],
        frequency=frequency,
        last_run=timezone.now(),
        last_seen=seen,
        last_hash=_state_hash(seen),
    )


def delete_search(search: SavedSearch, user) -> None:
    if search.user_id != getattr(user, "pk", None):
        raise ValidationError(_("Cette recherche ne vous appartient pas."))
    search.delete()


def is_due(search: SavedSearch, now) -> bool:
    return search.last_run is None or now - search.last_run >= DUE_AFTER[search.frequency]


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def search_page_url(query: str) -> str:
    try:
        path = reverse("directory_search:search")
    except Exception:  # the search page belongs to essor.directory.search
        path = "/annuaire/"
    return f"{site_url()}{path}?{query}" if query else f"{site_url()}{path}"


def run_search(search: SavedSearch, now) -> tuple[list, list]:
    """(new records, changed records) since the last run; records the new state."""
    found = list(records.find(QueryDict(search.query)))
    seen = {r.key: r.fingerprint() for r in found}
    new = [r for r in found if r.key not in search.last_seen]
    changed = [
        r for r in found if r.key in search.last_seen and search.last_seen[r.key] != seen[r.key]
    ]
    search.last_seen = seen
    search.last_hash = _state_hash(seen)
    search.last_run = now
    search.save(update_fields=["last_seen", "last_hash", "last_run"])
    return new, changed


def send_alert(search: SavedSearch, new: list, changed: list) -> None:
    def item(record):
        url = record_url(record)
        return {
            "name": record.name,
            "commune": record.commune_name,
            "url": f"{site_url()}{url}" if url else "",
        }

    context = {
        "search": search,
        "new": [item(r) for r in new[:MAX_LISTED]],
        "changed": [item(r) for r in changed[:MAX_LISTED]],
        "more_new": max(0, len(new) - MAX_LISTED),
        "more_changed": max(0, len(changed) - MAX_LISTED),
        "search_url": search_page_url(search.query),
        "manage_url": f"{site_url()}{reverse('directory_exchange:saved_searches')}",
    }
    subject = _("Annuaire de l'ESS : %(n)s nouveauté(s) pour « %(name)s »") % {
        "n": len(new) + len(changed),
        "name": search.name,
    }
    body = render_to_string("directory/exchange/email/alert.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [search.user.email])


def send_due_alerts(now=None, *, force: bool = False) -> list[tuple[SavedSearch, int, int]]:
    """Runs every due search; returns (search, new, changed) for each e-mail sent."""
    now = now or timezone.now()
    sent = []
    for search in SavedSearch.objects.select_related("user").filter(user__is_active=True):
        if not force and not is_due(search, now):
            continue
        new, changed = run_search(search, now)
        if new or changed:
            send_alert(search, new, changed)
            sent.append((search, len(new), len(changed)))
    return sent
