"""The actor page: official part (Sirene), contributed profile, map, nearby and same-sector
actors, PTCE members, history, « signaler une erreur »."""

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse

from essor.directory import logos, official, perms
from essor.directory.enums import ActorKind, ClaimStatus, VersionStatus
from essor.directory.forms import HONEYPOT, ReportForm
from essor.directory.models import Actor
from essor.directory.views.common import (
    Moved,
    display_value,
    field_label,
    ordered,
    redirect_moved,
    resolve,
)

HISTORY_LIMIT = 30


def leaflet_available() -> bool:
    """Leaflet is vendored by the search pages (static/vendor/leaflet/); without it the maps
    are shown as lists only."""
    return bool(finders.find("vendor/leaflet/leaflet.js"))


def map_tiles_url() -> str:
    """The tile server the search map uses too (none by default: markers on a plain ground)."""
    return getattr(settings, "ESSOR_MAP_TILES_URL", "") or ""


def _point(name: str, lat, lon, url: str = "") -> dict:
    return {"name": name, "lat": round(lat, 5), "lon": round(lon, 5), "url": url}


def _history(actor: Actor) -> list[dict]:
    versions = actor.versions.filter(status=VersionStatus.VALIDATED).order_by(
        "-moderated_at", "-id"
    )[:HISTORY_LIMIT]
    return [
        {
            "date": v.moderated_at or v.created_at,
            "kind": v.get_kind_display(),
            "by_structure": v.by_structure,
            "fields": [field_label(name) for name, _value in ordered(v.data)],
        }
        for v in versions
    ]


def _profile(actor: Actor) -> list[tuple[str, str]]:
    """Contributed fields with a value, as (label, text) for the page."""
    rows = []
    for name in ("life_stage", "themes", "labels", "opening_hours", "public_phone"):
        value = getattr(actor, name)
        if value not in ("", None, []):
            rows.append((field_label(name), display_value(name, value)))
    communes = list(actor.intervention_communes.values_list("code", flat=True))
    if communes:
        rows.append(
            (field_label("intervention_communes"), display_value("intervention_communes", communes))
        )
    if actor.intervention_radius_km:
        rows.append(
            (
                field_label("intervention_radius_km"),
                display_value("intervention_radius_km", actor.intervention_radius_km),
            )
        )
    return rows


def _ptce(actor: Actor) -> dict:
    members = [
        link.member
        for link in actor.ptce_members.select_related("member__commune").order_by("member__name")
        if link.member.status in perms.PUBLIC_STATUSES
    ]
    points = []
    for member in members:
        lat, lon = member.lat, member.lon
        if lat is None and member.siren:
            data = official.official_for(member.siren)
            head = data.head_office if data else None
            lat, lon = (head.lat, head.lon) if head else (None, None)
        member.map_lat, member.map_lon = lat, lon
        if lat is not None and lon is not None:
            url = reverse("directory:actor_detail", args=[member.slug])
            points.append(_point(member.name, lat, lon, url))
    return {"members": members, "member_points": json.dumps(points, ensure_ascii=False)}


def _official_context(target, actor) -> dict:
    data = target.official
    if data is None:
        near = official.nearby(actor.lat, actor.lon) if actor and actor.lat is not None else []
        return {"establishment_points": "[]", "nearby": near, "same_sector": []}
    points = [
        _point(p.name or data.name, p.lat, p.lon)
        for p in data.establishments
        if p.lat is not None and p.lon is not None and p.is_open
    ]
    head = data.head_office
    centre = (head.lat, head.lon) if head and head.lat is not None else (None, None)
    if actor is not None and actor.lat is not None:
        centre = (actor.lat, actor.lon)
    nearby = official.nearby(*centre, exclude_siren=data.legal_unit.siren) if centre[0] else []
    same = official.same_sector(head, exclude_siren=data.legal_unit.siren) if head else []
    return {
        "establishment_points": json.dumps(points, ensure_ascii=False),
        "nearby": nearby,
        "same_sector": same,
    }


def actor_detail(request, slug: str):
    try:
        target = resolve(request, slug)
    except Moved as moved:
        return redirect_moved(moved)
    actor, user = target.actor, request.user
    context = {
        "target": target,
        "actor": actor,
        "official": target.official,
        "name": target.name,
        "leaflet": leaflet_available(),
        "tiles_url": map_tiles_url(),
        "report_form": ReportForm(),
        "honeypot": HONEYPOT,
        "can_suggest": perms.can_suggest_change(user, actor),
        "can_claim": perms.can_claim_actor(user, actor),
        "can_moderate": actor is not None and perms.can_moderate_actor(user, actor),
        "is_claimant": actor is not None and perms.is_verified_claimant(user, actor),
        **_official_context(target, actor),
    }
    if actor is not None:
        context.update(
            profile=_profile(actor),
            history=_history(actor),
            custom_values=perms.visible_custom_values(user, actor),
            can_edit_custom=any(
                perms.can_edit_custom_values(user, org)
                for org in perms.territory_organisations(actor)
            ),
            ptces=[
                link.ptce
                for link in actor.ptce_memberships.select_related("ptce")
                if link.ptce.status in perms.PUBLIC_STATUSES
            ],
            pending_claim=user.is_authenticated
            and actor.claims.filter(user=user, status=ClaimStatus.PENDING).exists(),
            pending_versions=actor.versions.filter(status=VersionStatus.PENDING).count(),
        )
        if actor.kind == ActorKind.PTCE:
            context.update(_ptce(actor))
        if actor.lat is not None and actor.lon is not None and target.official is None:
            context["establishment_points"] = json.dumps(
                [_point(actor.name, actor.lat, actor.lon)], ensure_ascii=False
            )
    return render(request, "directory/actor_detail.html", context)


def actor_logo(request, slug: str):
    try:
        target = resolve(request, slug)
    except Moved as moved:
        return redirect_moved(moved, "directory:actor_logo")
    name = target.actor.logo if target.actor else ""
    path = logos.logo_path(name)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=logos.content_type_of(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
