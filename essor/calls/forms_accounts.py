from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from essor.accounts.models import User


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    full_name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    password1 = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec cette adresse."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Les deux mots de passe diffèrent."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
