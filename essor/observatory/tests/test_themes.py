"""Thematic fields: NAF lists edited and manual tags change the figures (at once from the detail
tables while the cells are stale, from the cells after a recompute); tags are audited."""

import pytest
from django.core.exceptions import ValidationError

from essor.accounts.models import AuditEntry, User
from essor.observatory import actions
from essor.observatory.compute import compute_indicators
from essor.observatory.direct import build_portrait_direct
from essor.observatory.models import IndicatorSet, ThemeNafCode
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401
from essor.sirene.models import Establishment, LegalUnit

pytestmark = pytest.mark.django_db


def fields(perimeter="loi2014") -> dict[str, int]:
    portrait = get_portrait(get_territory("epci", "244400404"), perimeter)
    direct = build_portrait_direct(get_territory("epci", "244400404"), perimeter)
    assert portrait.table("champs_thematiques").rows == direct.table("champs_thematiques").rows
    return {r["champ"]: r["etablissements"] for r in portrait.table("champs_thematiques").rows}


@pytest.fixture
def agent():
    return User.objects.create_user(email="agent@example.org", password="x" * 12)


@pytest.fixture
def computed(current_import, settings, tmp_path):  # noqa: F811
    settings.SIRENE_WORK_DIR = str(tmp_path)
    Establishment.objects.filter(siret="10000000100001").update(naf="94.99Z", naf_division="94")
    Establishment.objects.filter(siret="10000000100002").update(naf="62.01Z", naf_division="62")
    Establishment.objects.filter(siret="10000000300001").update(naf="62.02A", naf_division="62")
    compute_indicators(progress=False)
    return current_import


def test_default_naf_lists_are_seeded_and_counted(computed):
    assert ThemeNafCode.objects.filter(theme="numerique_responsable", naf="62").exists()
    counts = fields()
    assert counts["numerique_responsable"] == 2  # 62.01Z and 62.02A
    assert counts["culture"] == 0
    assert fields("statistique")["numerique_responsable"] == 1  # the SAS is loi 2014 only


def test_an_edited_naf_list_changes_the_figures_at_once_then_after_recompute(computed, agent):
    actions.add_theme_naf("culture", "94.99Z", actor=agent, note="associations culturelles")
    assert IndicatorSet.objects.get(run=computed).stale
    assert fields()["culture"] == 1  # stale cells: the field is read from the detail
    compute_indicators(progress=False)
    assert not IndicatorSet.objects.get(run=computed).stale
    assert fields()["culture"] == 1
    code = ThemeNafCode.objects.get(theme="numerique_responsable", naf="62")
    actions.remove_theme_naf(code, actor=agent)
    compute_indicators(progress=False)
    assert fields()["numerique_responsable"] == 0
    assert AuditEntry.objects.filter(action="observatory.theme_naf.deleted").count() == 1


def test_a_manual_tag_puts_every_establishment_of_the_unit_in_the_field(computed, agent):
    # The association gets a valid SIREN (the hand-made ones have no check digit).
    LegalUnit.objects.filter(siren="100000001").update(siren="100000009")
    Establishment.objects.filter(siren="100000001").update(siren="100000009")
    tag = actions.tag_legal_unit("100000009", "finance_solidaire", actor=agent, note="test")
    assert fields()["finance_solidaire"] == 3  # the three active establishments of the unit
    compute_indicators(progress=False)
    assert fields()["finance_solidaire"] == 3
    entry = AuditEntry.objects.get(action="observatory.theme_tag.created")
    assert entry.actor == agent and entry.target_id == str(tag.pk)
    assert entry.changes["siren"] == [None, "100000009"]
    actions.untag_legal_unit(tag, actor=agent)
    compute_indicators(progress=False)
    assert fields()["finance_solidaire"] == 0
    assert AuditEntry.objects.filter(action="observatory.theme_tag.deleted").exists()


def test_siae_are_in_insertion_and_fields_are_not_additive(computed):
    LegalUnit.objects.filter(siren="100000002").update(siae_kind="EI")
    compute_indicators(progress=False)
    counts = fields()
    assert counts["insertion"] == 1
    assert sum(counts.values()) == 3  # 2 numérique + 1 insertion, of 5 establishments


@pytest.mark.parametrize(
    "siren, theme, naf",
    [("123", "culture", "90"), ("100000001", "planete", "90")],
)
def test_bad_input_is_refused_clearly(computed, agent, siren, theme, naf):
    with pytest.raises(ValidationError):
        actions.tag_legal_unit(siren, theme, actor=agent)
    with pytest.raises(ValidationError):
        actions.add_theme_naf("culture", "9", actor=agent)
