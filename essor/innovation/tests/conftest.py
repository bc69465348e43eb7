import pytest

from essor.accounts.models import User
from essor.innovation import actions
from essor.innovation.default_grid import ensure_default_grid

LEVELS = [{"value": v, "label": f"Niveau {v}"} for v in range(4)]


@pytest.fixture
def default_version(db):
    return ensure_default_grid()


@pytest.fixture
def reviewer(db):
    return User.objects.create_user("evaluatrice@exemple.fr", "motdepasse-solide")


@pytest.fixture
def draft(db, reviewer):
    """A draft version with two categories: A (two criteria, one required, weight 2) and B."""
    grid = actions.create_grid(name="Grille test", slug="grille-test", actor=reviewer)
    version = grid.versions.get()
    a = actions.add_category(version, title="A", actor=reviewer)
    b = actions.add_category(version, title="B", actor=reviewer)
    actions.add_criterion(a, label="A1", scale=LEVELS, weight=2, required=True, actor=reviewer)
    actions.add_criterion(a, label="A2", scale=LEVELS, actor=reviewer)
    actions.add_criterion(b, label="B1", scale=LEVELS, actor=reviewer)
    actions.add_question(version, text="Question ?", actor=reviewer)
    return version


@pytest.fixture
def published(draft, reviewer):
    return actions.publish_version(draft, actor=reviewer)


def criteria(version):
    """{label: criterion} for a version."""
    from essor.innovation.models import Criterion

    return {c.label: c for c in Criterion.objects.filter(category__version=version)}
