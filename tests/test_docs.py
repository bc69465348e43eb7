"""Every environment variable the settings read is documented in docs/configuration.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_variable_is_documented():
    source = (ROOT / "essor" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:_bool|_int|_list|_secret)?\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"`([A-Z_]+)`", (ROOT / "docs" / "configuration.md").read_text()))
    assert read, "no variable found: the pattern is out of date"
    assert read - documented == set()


def test_cli_lists_every_subcommand_of_the_readme():
    from essor.cli import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for words in COMMANDS:
        assert f"essor {' '.join(words)}" in readme, words
