"""Contributions: suggest a change, propose a new actor, claim a profile, report an error.

Open to everyone (claims need an account), rate-limited per IP and per user, with a honeypot.
A caught robot gets the same answer as a person and nothing is written.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essor.directory import actions, logos, perms, ratelimit
from essor.directory.forms import HONEYPOT, ActorForm, ClaimForm, NewActorForm, ReportForm
from essor.directory.views.common import Moved, redirect_moved, require, resolve, show_errors

log = logging.getLogger(__name__)
TOO_MANY = 429


def _too_many(request, template: str, context: dict):
    messages.error(
        request,
        _("Trop de contributions depuis votre connexion : réessayez dans une heure."),
    )
    return render(request, template, context, status=TOO_MANY)


def _values_of(target) -> dict:
    if target.actor is not None:
        return actions.actor_values(target.actor)
    head = target.official.head_office
    return {
        "name": target.official.name,
        "kind": "organisation",
        "life_stage": "actif",
        "commune": head.commune_code if head else "",
    }


def _author(request, form) -> dict:
    if request.user.is_authenticated:
        return {"by": request.user}
    return {
        "by": None,
        "author_name": form.cleaned_data.get("author_name", ""),
        "author_email": form.cleaned_data.get("author_email", ""),
    }


def _with_logo(form, values: dict) -> str:
    uploaded = form.cleaned_data.get("logo")
    if uploaded:
        values["logo"] = logos.store_logo(uploaded)
        return values["logo"]
    return ""


def _drop_logo(name: str) -> None:
    path = logos.logo_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def actor_suggest(request, slug: str):
    try:
        target = resolve(request, slug)
    except Moved as moved:
        return redirect_moved(moved, "directory:actor_suggest")
    require(perms.can_suggest_change(request.user, target.actor))
    anonymous = not request.user.is_authenticated
    current = _values_of(target)
    form = ActorForm(
        request.POST or None,
        request.FILES or None,
        anonymous=anonymous,
        initial=ActorForm.initial_from(current),
    )
    context = {"target": target, "form": form, "honeypot": HONEYPOT}
    context["by_structure"] = target.actor is not None and perms.is_verified_claimant(
        request.user, target.actor
    )
    if request.method != "POST":
        return render(request, "directory/actor_suggest.html", context)
    if form.caught_robot():
        log.info("directory honeypot filled on %s", slug)
        messages.success(request, _("Merci : votre proposition sera examinée par la modération."))
        return redirect("directory:actor_detail", slug)
    if not ratelimit.allow_contribution(request):
        return _too_many(request, "directory/actor_suggest.html", context)
    if not form.is_valid():
        return render(request, "directory/actor_suggest.html", context, status=400)
    values = form.values()
    logo = ""
    try:
        logo = _with_logo(form, values)
        with transaction.atomic():
            actor = target.actor or actions.actor_for_siren(
                target.slug, by=request.user if not anonymous else None
            )
            actions.propose_change(
                actor, values, comment=form.cleaned_data["comment"], **_author(request, form)
            )
    except ValidationError as error:
        _drop_logo(logo)
        show_errors(request, error, form)
        return render(request, "directory/actor_suggest.html", context, status=400)
    messages.success(request, _("Merci : votre proposition sera examinée par la modération."))
    return redirect("directory:actor_detail", actor.slug)


def propose_actor(request):
    anonymous = not request.user.is_authenticated
    form = NewActorForm(
        request.POST or None,
        request.FILES or None,
        anonymous=anonymous,
        initial={"kind": "organisation", "life_stage": "en_projet"},
    )
    context = {"form": form, "honeypot": HONEYPOT}
    if request.method != "POST":
        return render(request, "directory/actor_propose.html", context)
    if form.caught_robot():
        log.info("directory honeypot filled on the new actor form")
        messages.success(request, _("Merci : votre proposition sera examinée par la modération."))
        return redirect("directory:propose_actor")
    if not ratelimit.allow_contribution(request):
        return _too_many(request, "directory/actor_propose.html", context)
    if not form.is_valid():
        return render(request, "directory/actor_propose.html", context, status=400)
    values = form.values()
    logo = ""
    try:
        logo = _with_logo(form, values)
        version = actions.propose_actor(
            values,
            siret=form.cleaned_data["siret"],
            comment=form.cleaned_data["comment"],
            **_author(request, form),
        )
    except ValidationError as error:
        _drop_logo(logo)
        show_errors(request, error, form)
        return render(request, "directory/actor_propose.html", context, status=400)
    messages.success(
        request,
        _("Merci : « %s » sera publié après validation par la modération.") % version.actor.name,
    )
    if anonymous:
        return redirect("directory:propose_actor")
    return redirect("directory:actor_detail", version.actor.slug)


@login_required
def actor_claim(request, slug: str):
    try:
        target = resolve(request, slug)
    except Moved as moved:
        return redirect_moved(moved, "directory:actor_claim")
    require(perms.can_claim_actor(request.user, target.actor))
    form = ClaimForm(request.POST or None)
    context = {"target": target, "form": form}
    if request.method != "POST":
        return render(request, "directory/actor_claim.html", context)
    if not ratelimit.allow_contribution(request):
        return _too_many(request, "directory/actor_claim.html", context)
    if not form.is_valid():
        return render(request, "directory/actor_claim.html", context, status=400)
    try:
        with transaction.atomic():
            actor = target.actor or actions.actor_for_siren(target.slug, by=request.user)
            claim = actions.claim_actor(actor, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error, form)
        return render(request, "directory/actor_claim.html", context, status=400)
    if claim.status == "verified":
        messages.success(
            request,
            _(
                "Votre adresse e-mail est sur le domaine du site de la structure : vous gérez "
                "désormais cette fiche. Vos modifications restent relues par la modération."
            ),
        )
    else:
        messages.success(
            request, _("Demande envoyée : un·e modérateur·rice va vérifier votre lien.")
        )
    return redirect("directory:actor_detail", actor.slug)


@require_POST
def actor_report(request, slug: str):
    try:
        target = resolve(request, slug)
    except Moved as moved:
        return redirect_moved(moved)
    require(perms.can_report_error(request.user, target.actor))
    form = ReportForm(request.POST)
    thanks = _("Merci : votre signalement a été transmis à la modération.")
    if form.caught_robot():
        log.info("directory honeypot filled on the error report of %s", slug)
        messages.success(request, thanks)
        return redirect("directory:actor_detail", slug)
    if not ratelimit.allow_contribution(request):
        messages.error(
            request, _("Trop de contributions depuis votre connexion : réessayez dans une heure.")
        )
        return redirect("directory:actor_detail", slug)
    if not form.is_valid():
        messages.error(request, _("Décrivez l'erreur (et vérifiez l'adresse e-mail)."))
        return redirect("directory:actor_detail", slug)
    by = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            actor = target.actor or actions.actor_for_siren(target.slug, by=by)
            actions.report_error(actor, by=by, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("directory:actor_detail", slug)
    messages.success(request, thanks)
    return redirect("directory:actor_detail", actor.slug)
