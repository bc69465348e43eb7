import pytest

from essor.accounts.enums import Role
from essor.calls.tests import factories as f


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def people(db):
    """The personas of the permission matrix, one organisation each side."""
    p = {
        name: f.user(f"{name}@exemple.fr")
        for name in (
            "applicant",
            "other_applicant",
            "reviewer",
            "other_reviewer",
            "agent",
            "admin",
            "other_agent",
        )
    }
    p["org"] = f.organisation(
        "Métropole de Nantes",
        **{
            Role.ADMIN: p["admin"],
            Role.AGENT: p["agent"],
            Role.REVIEWER: [p["reviewer"], p["other_reviewer"]],
        },
    )
    p["other_org"] = f.organisation("Métropole de Lyon", **{Role.AGENT: p["other_agent"]})
    return p


@pytest.fixture
def call(people):
    return f.call(people["org"], actor=people["agent"], required_documents=["Statuts"])
