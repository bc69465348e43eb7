import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from essor.accounts.models import AuditEntry
from essor.innovation import actions
from essor.innovation.default_grid import EDITABLE_NOTICE, SLUG, ensure_default_grid
from essor.innovation.models import Assessment, Criterion, Grid
from essor.innovation.tests.conftest import LEVELS, criteria


def test_default_grid_has_three_categories_four_questions_and_editable_criteria(default_version):
    assert default_version.is_frozen
    titles = list(default_version.categories.values_list("title", flat=True))
    assert titles == [
        "Besoins sociaux et implication des acteurs",
        "Autres effets positifs",
        "Expérimentation et prise de risque",
    ]
    assert default_version.questions.count() == 4
    for category in default_version.categories.all():
        assert 4 <= category.criteria.count() <= 6
        for criterion in category.criteria.all():
            assert [level["value"] for level in criterion.scale] == [0, 1, 2, 3]
            assert all(level["label"] for level in criterion.scale)
            assert criterion.guidance and criterion.weight == 1
    assert Criterion.objects.filter(category__version=default_version, required=True).exists()
    assert EDITABLE_NOTICE in default_version.grid.description
    assert default_version.grid.is_default


def test_default_grid_is_idempotent(default_version):
    out = io.StringIO()
    call_command("load_default_grid", stdout=out)
    assert out.getvalue().strip() == (f"grid={SLUG} version=1 categories=3 criteria=15 questions=4")
    assert ensure_default_grid() == default_version
    assert Grid.objects.filter(slug=SLUG).count() == 1
    assert default_version.grid.versions.count() == 1


def test_creating_a_grid_is_audited(draft, reviewer):
    entry = AuditEntry.objects.get(action="innovation.grid.created", target_id=str(draft.grid_id))
    assert entry.actor == reviewer
    assert entry.changes["slug"] == [None, "grille-test"]
    assert AuditEntry.objects.filter(action="innovation.criterion.added").count() >= 3


def test_draft_criteria_can_be_edited_and_the_change_is_audited(draft, reviewer):
    a2 = criteria(draft)["A2"]
    actions.update_criterion(a2, label="A2 bis", weight=3, actor=reviewer)
    a2.refresh_from_db()
    assert (a2.label, a2.weight) == ("A2 bis", 3)
    entry = AuditEntry.objects.get(action="innovation.criterion.updated")
    assert entry.changes["label"] == ["A2", "A2 bis"]


@pytest.mark.parametrize(
    "scale",
    [[], [{"value": 1, "label": "x"}, {"value": 0, "label": "y"}], [{"value": 0, "label": ""}]],
    ids=["empty", "decreasing", "no-label"],
)
def test_invalid_scales_are_refused(draft, reviewer, scale):
    category = draft.categories.first()
    with pytest.raises(ValidationError):
        actions.add_criterion(category, label="X", scale=scale, actor=reviewer)


def test_publishing_freezes_the_version(published, reviewer):
    entry = AuditEntry.objects.get(action="innovation.version.published", target_id=published.pk)
    assert entry.actor == reviewer
    category = published.categories.first()
    edits = [
        lambda: actions.add_category(published, title="C", actor=reviewer),
        lambda: actions.update_category(category, title="Z", actor=reviewer),
        lambda: actions.add_criterion(category, label="X", scale=LEVELS, actor=reviewer),
        lambda: actions.update_criterion(criteria(published)["A1"], label="Z", actor=reviewer),
        lambda: actions.remove_criterion(criteria(published)["A1"], actor=reviewer),
        lambda: actions.add_question(published, text="Q", actor=reviewer),
        lambda: actions.publish_version(published, actor=reviewer),
    ]
    for edit in edits:
        with pytest.raises(ValidationError, match="version publiée : créez une nouvelle version"):
            edit()
    assert criteria(published)["A1"].label == "A1"


def test_a_version_without_criteria_cannot_be_published(reviewer):
    grid = actions.create_grid(name="Vide", slug="vide", actor=reviewer)
    with pytest.raises(ValidationError):
        actions.publish_version(grid.versions.get(), actor=reviewer)


def test_new_version_copies_everything_into_an_editable_draft(published, reviewer):
    copy = actions.new_version_from(published, actor=reviewer, notes="Révision")
    assert (copy.number, copy.is_frozen) == (2, False)
    old, new = criteria(published), criteria(copy)
    assert sorted(old) == sorted(new)
    for label, criterion in old.items():
        twin = new[label]
        assert twin.pk != criterion.pk
        assert (twin.scale, twin.weight, twin.required, twin.guidance) == (
            criterion.scale,
            criterion.weight,
            criterion.required,
            criterion.guidance,
        )
        assert twin.category.title == criterion.category.title
    assert list(copy.questions.values_list("text", flat=True)) == ["Question ?"]
    actions.update_criterion(new["A1"], label="A1 révisé", actor=reviewer)
    assert criteria(published)["A1"].label == "A1"
    assert AuditEntry.objects.filter(action="innovation.version.created").exists()


def test_assessment_is_saved_validated_and_audited(published, reviewer):
    c = criteria(published)
    question = published.questions.get()
    assessment = actions.save_assessment(
        published,
        {c["A1"].pk: (3, "Très clair"), c["A2"].pk: (None, ""), c["B1"].pk: (1, "")},
        author=reviewer,
        subject_type="calls.application",
        subject_id="42",
        quick_answers={question.pk: "oui"},
    )
    assert sorted(assessment.scores.values_list("criterion__label", "value")) == [
        ("A1", 3),
        ("B1", 1),
    ]
    assert assessment.quick_answers == {str(question.pk): "oui"}
    entry = AuditEntry.objects.get(action="innovation.assessment.created")
    assert entry.actor == reviewer and entry.target_id == str(assessment.pk)


def test_saving_again_updates_the_same_authors_assessment(published, reviewer):
    c = criteria(published)
    first = actions.save_assessment(
        published, {c["A1"].pk: (1, "")}, author=reviewer, subject_type="s", subject_id="1"
    )
    second = actions.save_assessment(
        published, {c["A1"].pk: (2, "")}, author=reviewer, subject_type="s", subject_id="1"
    )
    assert first.pk == second.pk
    assert list(second.scores.values_list("value", flat=True)) == [2]
    entry = AuditEntry.objects.get(action="innovation.assessment.updated")
    assert entry.changes["scores"] == [{str(c["A1"].pk): 1}, {str(c["A1"].pk): 2}]


def test_anonymous_assessments_are_never_merged(published):
    c = criteria(published)
    for _ in range(2):
        actions.save_assessment(
            published, {c["A1"].pk: 1}, author=None, subject_type="autodiagnostic", subject_id="x"
        )
    assert Assessment.objects.filter(author=None).count() == 2


@pytest.mark.parametrize(
    "scores, error_key",
    [
        ({"A2": 2}, "A1"),  # required criterion missing
        ({"A1": 4}, "A1"),  # above the scale
        ({"A1": -1}, "A1"),  # below the scale
        ({"A1": 2, "B1": "2"}, "B1"),  # not an integer
        ({"A1": True}, "A1"),  # a boolean is not a level
    ],
    ids=["required-missing", "above-scale", "below-scale", "not-int", "bool"],
)
def test_assessment_values_are_checked_against_scale_and_required(
    published, reviewer, scores, error_key
):
    c = criteria(published)
    with pytest.raises(ValidationError) as error:
        actions.save_assessment(
            published,
            {c[label].pk: (value, "") for label, value in scores.items()},
            author=reviewer,
            subject_type="s",
            subject_id="1",
        )
    assert f"criterion_{c[error_key].pk}" in error.value.message_dict
    assert not Assessment.objects.exists()


def test_assessment_refuses_criteria_of_another_version_and_draft_versions(
    published, draft, default_version, reviewer
):
    other = Criterion.objects.filter(category__version=default_version).first()
    c = criteria(published)
    with pytest.raises(ValidationError):
        actions.save_assessment(
            published,
            {c["A1"].pk: 1, other.pk: 1},
            author=reviewer,
            subject_type="s",
            subject_id="1",
        )
    copy = actions.new_version_from(published, actor=reviewer)
    with pytest.raises(ValidationError, match="pas publiée"):
        actions.save_assessment(copy, {}, author=reviewer, subject_type="s", subject_id="1")
