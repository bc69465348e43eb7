"""The two public self-diagnoses in Chromium, filled with the keyboard only (Tab, Space, arrows,
Enter), with no serious or critical axe-core violation on the form, error and result pages."""

import re

import pytest

from essor.innovation.default_grid import ensure_default_grid
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("essor.innovation.tests.urls"),
]
MAX_TABS = 120


@pytest.fixture
def grid():
    return ensure_default_grid()


def tab_to(page, css: str) -> None:
    """Presses Tab until the focused element matches `css`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(css) => document.activeElement.matches(css)", css):
            return
    raise AssertionError(f"{css} n'est pas atteignable au clavier")


def choose(page, name: str, index: int = 0) -> None:
    """Tabs into a radio group, checks its first option with Space, then moves with the arrows."""
    tab_to(page, f"input[name='{name}']")
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    checked = page.locator(f"input[name='{name}']:checked")
    assert checked.count() == 1


def type_into(page, css: str, text: str) -> None:
    tab_to(page, css)
    page.keyboard.type(text)


def submit(page, label: str) -> None:
    tab_to(page, "button[type=submit]")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == label
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fits_a_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_social_innovation_self_diagnosis_with_the_keyboard(live_server, page, grid):
    page.goto(live_server.url + "/innovation/autodiagnostic/innovation-sociale/")
    assert axe_violations(page) == []
    questions = [f"question_{q.pk}" for q in grid.questions.order_by("position")]
    for index, name in enumerate(questions):
        choose(page, name, index % 3)  # oui, en partie, non, oui
    for category in grid.categories.order_by("position"):
        for criterion in category.criteria.order_by("position"):
            choose(page, f"criterion_{criterion.pk}", 2 if category.position == 0 else 3)
    submit(page, "Voir mon profil")
    assert page.get_by_role("heading", level=1).inner_text() == "Le profil de votre projet"
    assert "ne rend pas de verdict" in page.content()
    assert page.locator("tbody tr").count() == 3
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("table").is_visible()


def test_errors_are_summarised_and_linked_to_the_fields(live_server, page, grid):
    page.goto(live_server.url + "/innovation/autodiagnostic/ess-esus/")
    choose(page, "legal_form", 4)  # société commerciale, nothing else answered
    submit(page, "Voir le résultat")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Erreur")
    assert axe_violations(page) == []
    link = summary.get_by_role("link", name=re.compile("gouvernance"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("#id_democratic_governance_0"))


def test_ess_and_esus_self_diagnosis_with_the_keyboard_on_a_phone(live_server, browser, grid):
    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/innovation/autodiagnostic/ess-esus/")
    assert fits_a_phone(page)
    assert axe_violations(page) == []
    choose(page, "legal_form", 4)  # société commerciale
    for name in [
        "purpose_beyond_profit",
        "democratic_governance",
        "profits_mostly_reinvested",
        "reserves_undistributable",
    ]:
        choose(page, name)  # oui
    type_into(page, "#id_development_fund_pct", "25")
    type_into(page, "#id_retained_and_reserves_pct", "60")
    choose(page, "no_capital_amortisation")
    tab_to(page, "#id_social_utility_1")
    page.keyboard.press("Space")  # lien social et cohésion territoriale
    choose(page, "social_utility_main")
    type_into(page, "#id_charges_pct", "65,9")
    for index, amount in enumerate(["40000", "35000", "32000", "30000", "30000"], start=1):
        type_into(page, f"#id_pay_{index}", amount)
    choose(page, "securities_unlisted")
    choose(page, "in_statutes")
    submit(page, "Voir le résultat")
    tags = page.locator(".decision-summary .tag").all_inner_texts()
    assert tags == ["Oui", "Non"]
    assert "65,9 % < 66 %" in page.locator("main").inner_text()
    assert fits_a_phone(page)
    assert axe_violations(page) == []
    context.close()
