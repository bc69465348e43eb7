import pytest

from essor.innovation.reading import (
    CategoryReading,
    QuestionReading,
    band,
    overview,
)


@pytest.mark.parametrize(
    "percent, expected",
    [
        (None, "non renseignée"),
        (0, "peu marquée"),
        (33, "peu marquée"),
        (34, "en partie"),
        (66, "en partie"),
        (67, "affirmée"),
        (100, "affirmée"),
    ],
)
def test_band(percent, expected):
    assert band(percent).startswith(expected)


def test_overview_names_strengths_and_points_to_work_on_but_gives_no_verdict():
    questions = [
        QuestionReading("Q1", "oui", "Oui", True),
        QuestionReading("Q2", "en_partie", "En partie", None),
        QuestionReading("Q3", "non", "Non", False),
    ]
    categories = [
        CategoryReading("Besoins sociaux", 80, "affirmée", [], [], 0),
        CategoryReading("Autres effets positifs", 10, "peu marquée", [], [], 0),
    ]
    text = " ".join(overview(questions, categories))
    assert "1 « oui », 1 « en partie » et 1 « non » sur 3" in text
    assert "surtout sur : besoins sociaux" in text
    assert "À approfondir ou à mieux documenter : autres effets positifs" in text
    assert "ne rend pas de verdict" in text
    assert "innovant" in text and "pas innovant" not in text
