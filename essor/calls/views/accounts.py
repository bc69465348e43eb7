"""Sign-in and sign-up for applicants (staff can use the same pages)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from essor.calls.actions.accounts import register_applicant
from essor.calls.forms_accounts import SignupForm


class SignInView(LoginView):
    template_name = "calls/login.html"
    redirect_authenticated_user = True
    next_page = "calls:call_list"


class SignOutView(LogoutView):
    next_page = "calls:call_list"


def signup(request):
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = register_applicant(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Votre compte est créé."))
        return redirect(next_url or "calls:my_applications")
    return render(request, "calls/signup.html", {"form": form, "next": next_url})
