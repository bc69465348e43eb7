from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essor.innovation import actions
from essor.innovation.scoring import (
    ScoredItem,
    category_subtotals,
    combine,
    score_assessment,
    score_subject,
    spread,
    summarise,
    weighted_score,
)
from essor.innovation.tests.conftest import criteria


def item(value, *, maximum=3, weight=1, category=1, criterion=0):
    return ScoredItem(criterion, category, maximum, Decimal(weight), value)


def test_weighted_score_is_sum_of_value_times_weight_over_max_times_weight():
    # (3×2 + 1×1) / (3×2 + 3×1) = 7/9
    assert weighted_score([item(3, weight=2), item(1)]) == pytest.approx(700 / 9)


def test_unscored_criteria_are_left_out_of_both_sums():
    assert weighted_score([item(3), item(None)]) == 100
    assert weighted_score([item(None)]) is None
    assert weighted_score([]) is None


def test_category_subtotals():
    items = [item(3, category=1), item(0, category=1), item(2, category=2), item(None, category=3)]
    assert category_subtotals(items) == {1: 50.0, 2: pytest.approx(200 / 3), 3: None}
    summary = summarise(items)
    assert (summary.answered, summary.criteria) == (3, 4)


def test_spread_of_several_scores():
    result = spread([40.0, 60.0, None, 80.0])
    assert result.count == 3
    assert result.mean == pytest.approx(60)
    assert (result.minimum, result.maximum, result.range) == (40, 80, 40)
    assert result.stdev == pytest.approx(16.3299, rel=1e-4)  # population standard deviation
    assert spread([]).mean is None
    assert spread([55.0]).stdev == 0


def test_combine_reports_total_and_category_spreads():
    a = summarise([item(3, category=1), item(0, category=2)])
    b = summarise([item(1, category=1), item(3, category=2)])
    subject = combine([a, b])
    assert subject.total.mean == pytest.approx((50 + 200 / 3) / 2)
    assert subject.by_category[1].range == pytest.approx(200 / 3)
    assert subject.by_category[2].mean == 50


levels = st.integers(min_value=1, max_value=10)


@st.composite
def items_strategy(draw):
    size = draw(st.integers(min_value=0, max_value=12))
    result = []
    for index in range(size):
        maximum = draw(levels)
        value = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=maximum)))
        weight = draw(st.decimals(min_value="0.01", max_value="100", places=2))
        result.append(ScoredItem(index, draw(st.integers(1, 3)), maximum, weight, value))
    return result


@settings(max_examples=60, deadline=None)
@given(items_strategy())
def test_weighted_score_stays_between_0_and_100(items):
    score = weighted_score(items)
    if all(i.value is None for i in items):
        assert score is None
    else:
        assert 0 <= score <= 100
    for subtotal in category_subtotals(items).values():
        assert subtotal is None or 0 <= subtotal <= 100


@settings(max_examples=60, deadline=None)
@given(items_strategy())
def test_all_max_scores_100_and_all_zero_scores_0(items):
    if not items:
        return
    assert (
        weighted_score(
            [ScoredItem(i.criterion_id, 1, i.max_value, i.weight, i.max_value) for i in items]
        )
        == 100
    )
    assert (
        weighted_score([ScoredItem(i.criterion_id, 1, i.max_value, i.weight, 0) for i in items])
        == 0
    )


def test_scores_of_saved_assessments(published, reviewer):
    from essor.accounts.models import User

    c = criteria(published)
    other = User.objects.create_user("second@exemple.fr", "motdepasse-solide")
    first = actions.save_assessment(
        published,
        {c["A1"].pk: 3, c["A2"].pk: 0, c["B1"].pk: 3},
        author=reviewer,
        subject_type="calls.application",
        subject_id="7",
    )
    second = actions.save_assessment(
        published,
        {c["A1"].pk: 0, c["B1"].pk: 0},
        author=other,
        subject_type="calls.application",
        subject_id="7",
    )
    score = score_assessment(first)
    # A: (3×2 + 0×1) / (3×2 + 3×1) = 6/9 ; B: 3/3 ; total (6 + 3) / (9 + 3) = 75 %
    assert score.total == pytest.approx(75)
    a, b = (cat.pk for cat in published.categories.order_by("position"))
    assert score.by_category == {a: pytest.approx(200 / 3), b: 100.0}
    subject = score_subject([first, second])
    assert subject.total.mean == pytest.approx(37.5)
    assert subject.total.range == pytest.approx(75)
    assert subject.total.stdev == pytest.approx(37.5)


def test_rank_orders_subjects_by_mean_best_first_and_unscored_last():
    from essor.innovation.scoring import SubjectScore, rank

    subjects = {
        "a": SubjectScore(spread([40.0])),
        "b": SubjectScore(spread([])),
        "c": SubjectScore(spread([90.0, 70.0])),
    }
    assert [key for key, _score in rank(subjects)] == ["c", "a", "b"]
