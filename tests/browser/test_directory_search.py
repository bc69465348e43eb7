"""The directory search in Chromium: suggestions as you type, facets, map/list sync, keyboard-only
use, accessibility of the search page and of the widget."""

import re

import pytest

from essor.directory.search.indexer import rebuild
from essor.directory.search.models import SearchEntry
from essor.directory.search.tests.conftest import make_actors, make_referential, make_sirene
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory():
    make_referential()
    make_sirene()
    make_actors()
    rebuild()


def total(page) -> int:
    return int(page.locator("#ds-total").get_attribute("data-total"))


def test_search_as_you_type_and_open_a_suggestion(live_server, page, directory):
    page.goto(live_server.url + "/annuaire/")
    box = page.get_by_role("combobox", name=re.compile("Nom, activité"))
    box.press_sequentially("ressou", delay=40)
    option = page.get_by_role("option", name=re.compile("Ressourcerie du Pays Angevin"))
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/annuaire/acteurs/100000004/|q=100000004"))


def test_facet_click_updates_list_and_counts(live_server, page, directory):
    page.goto(live_server.url + "/annuaire/")
    assert total(page) == SearchEntry.objects.count()
    page.get_by_label(re.compile(r"^Mutuelle")).check()
    page.wait_for_url(re.compile("famille=mutuelle"))
    page.wait_for_function("document.querySelector('#ds-total').dataset.total === '1'")
    assert page.locator(".ds-item").count() == 1
    # The other facets now count within the mutuelles.
    closed = page.get_by_label(re.compile(r"^Fermé"))
    assert "(1)" in closed.locator("xpath=..").inner_text()
    page.get_by_role("link", name="Effacer les filtres").click()
    page.wait_for_function(
        f"document.querySelector('#ds-total').dataset.total === '{SearchEntry.objects.count()}'"
    )


def test_map_and_list_in_sync(live_server, page, directory):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/annuaire/?q=ressourcerie")
    page.wait_for_function("document.querySelector('#ds-map').dataset.points === '1'")
    item = page.locator(".ds-item").first
    entry = item.get_attribute("data-entry-id")
    item.get_by_role("button", name=re.compile("Situer")).click()
    page.wait_for_function(f"document.querySelector('#ds-map').dataset.highlighted === '{entry}'")
    assert "ds-highlight" in item.get_attribute("class")
    # Search in the map's area: move the map to Angers, the list follows.
    page.goto(live_server.url + "/annuaire/")
    page.get_by_label("Rechercher dans la zone de la carte").check()
    page.evaluate("window.essorDirectoryMap.setView([47.4784, -0.5632], 12)")
    angers = SearchEntry.objects.filter(commune_code="49007").count()
    page.wait_for_function(f"document.querySelector('#ds-total').dataset.total === '{angers}'")
    assert re.search(r"zone=1", page.url)


def test_keyboard_only_search(live_server, page, directory):
    page.goto(live_server.url + "/annuaire/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "ds-q":
            break
    else:
        pytest.fail("le champ de recherche n'est pas atteignable au clavier")
    page.keyboard.type("epicerie", delay=30)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#ds-total').dataset.total === '4'")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.ds-item') !== null"):
            break
    else:
        pytest.fail("les résultats ne sont pas atteignables au clavier")
    assert page.evaluate("document.activeElement.tagName") in {"A", "BUTTON"}


def test_accessibility_of_search_page_and_widget(live_server, page, directory):
    page.goto(live_server.url + "/annuaire/?q=epicerie")
    page.wait_for_function("document.querySelector('#ds-map').dataset.points !== undefined")
    assert axe_violations(page) == []
    response = page.goto(live_server.url + "/annuaire/widget/?territoire=epci:244400404")
    assert "x-frame-options" not in response.headers
    page.wait_for_function("document.querySelector('#ds-map').dataset.points !== undefined")
    assert total(page) == SearchEntry.objects.filter(epci_siren="244400404").count()
    assert page.get_by_role("link", name=re.compile("Voir sur essor")).is_visible()
    assert axe_violations(page) == []
