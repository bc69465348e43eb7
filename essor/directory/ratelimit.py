"""Rate limit of anonymous and signed-in contributions (suggestions, new actors, claims, error
reports), per IP address and per user, counted in Django's cache (fixed windows)."""

from django.core.cache import cache

WINDOW_SECONDS = 3600
LIMIT_PER_IP = 10
LIMIT_PER_USER = 10


def client_ip(request) -> str:
    """The connecting address. (Behind a reverse proxy, configure it to set REMOTE_ADDR.)"""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _hit(key: str, limit: int) -> bool:
    added = cache.add(key, 1, WINDOW_SECONDS)
    if added:
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        return True
    return count <= limit


def allow_contribution(request) -> bool:
    """Counts one contribution; False once the IP or the user went past its hourly limit."""
    ok = _hit(f"directory:contrib:ip:{client_ip(request)}", LIMIT_PER_IP)
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        ok = _hit(f"directory:contrib:user:{user.pk}", LIMIT_PER_USER) and ok
    return ok
