"""« Mon projet est-il socialement innovant ? » through the view."""

import pytest

from essor.accounts.models import AuditEntry
from essor.innovation.models import Assessment, Criterion

pytestmark = [pytest.mark.django_db, pytest.mark.urls("essor.innovation.tests.urls")]
URL = "/innovation/autodiagnostic/innovation-sociale/"


def answers(version, value=2, quick="oui", skip_optional=False):
    data = {f"question_{q.pk}": quick for q in version.questions.all()}
    for criterion in Criterion.objects.filter(category__version=version):
        if skip_optional and not criterion.required:
            continue
        data[f"criterion_{criterion.pk}"] = str(value)
    return data


def test_the_form_lists_questions_and_criteria_and_says_criteria_are_ours(client, default_version):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") == 4 + 15
    assert "Critères rédigés par essor, modifiables" in html
    assert "Besoins sociaux et implication des acteurs" in html


def test_result_shows_a_profile_without_verdict_and_stores_nothing(client, default_version):
    data = answers(default_version, value=3)
    first = default_version.categories.order_by("position").first()
    for criterion in first.criteria.all():
        data[f"criterion_{criterion.pk}"] = "0"
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Profil par catégorie" in html
    assert "0 %" in html and "100 %" in html
    assert "peu marquée à ce stade" in html and "affirmée" in html
    assert "ne rend pas de verdict" in html
    assert "ne s'applique pas aux financements accordés par les collectivités" in html
    assert '<style media="print">' in html
    assert not Assessment.objects.exists()


def test_quick_questions_met_partly_or_not(client, default_version):
    data = answers(default_version)
    questions = list(default_version.questions.order_by("position"))
    data[f"question_{questions[1].pk}"] = "en_partie"
    data[f"question_{questions[2].pk}"] = "non"
    html = client.post(URL, data).content.decode()
    assert html.count('<span class="tag">Remplie</span>') == 2
    assert html.count('<span class="tag">En partie</span>') == 1
    assert html.count('<span class="tag">Non remplie</span>') == 1


def test_optional_criteria_may_be_left_blank(client, default_version):
    response = client.post(URL, answers(default_version, skip_optional=True))
    assert "Profil par catégorie" in response.content.decode()
    assert "sans réponse" in response.content.decode()


def test_missing_answers_are_listed_in_an_error_summary(client, default_version):
    required = Criterion.objects.filter(category__version=default_version, required=True).first()
    data = answers(default_version)
    del data[f"criterion_{required.pk}"]
    html = client.post(URL, data).content.decode()
    assert 'class="error-summary"' in html
    assert f'href="#id_criterion_{required.pk}_0"' in html
    assert "Profil par catégorie" not in html


def test_the_diagnosis_is_stored_anonymously_only_when_asked(client, default_version):
    response = client.post(URL, {**answers(default_version), "save": "on"})
    assessment = Assessment.objects.get()
    assert assessment.author is None
    assert assessment.subject_type == "autodiagnostic"
    assert assessment.scores.count() == 15
    assert len(assessment.quick_answers) == 4
    assert assessment.subject_id in response.content.decode()
    assert AuditEntry.objects.filter(
        action="innovation.assessment.created", target_id=str(assessment.pk), actor=None
    ).exists()


def test_index_links_both_self_diagnoses(client):
    html = client.get("/innovation/").content.decode()
    assert URL in html and "/innovation/autodiagnostic/ess-esus/" in html


def test_pages_use_a_fixed_number_of_queries(
    client, default_version, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get(URL)
    with django_assert_max_num_queries(14):
        client.post(URL, answers(default_version))
