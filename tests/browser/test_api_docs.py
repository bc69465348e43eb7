"""/api/docs in Chromium: Swagger UI renders the essor API from the application's own static
files, with every request to another host refused."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline(live_server, page):
    elsewhere = []

    def only_local(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(live_server.url + "/api/docs")
    operation = page.locator('[data-path="/api/territories/{kind}/{code}/indicators"]').first
    operation.wait_for(timeout=20_000)
    assert "API essor" in page.title()
    assert page.locator("#swagger-ui .information-container").inner_text().startswith("API essor")
    assert elsewhere == []
