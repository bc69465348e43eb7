"""The `/api/docs` page: Swagger UI served from our own static files (vendored from npm by
scripts/vendor_static.py), never from a CDN, so the documentation works offline."""

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    template = "api/docs.html"
    # No call to swagger.io's online validator either.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"api": api, "swagger_settings": settings, "openapi_url": settings["url"]}
        return render(request, self.template, context)
