"""Reading the README's examples, so that tests run exactly what readers are told to run."""

from __future__ import annotations

import re
import shlex

from fieldapp.config import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"


def section(title: str) -> str:
    """The text of one '## ' section of the README."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def shell_blocks(title: str) -> list[str]:
    """The ```sh blocks of a section."""
    return re.findall(r"```sh\n(.*?)```", section(title), flags=re.S)


def fieldapp_commands(title: str) -> list[list[str]]:
    """Every `fieldapp ...` line of a section's shell blocks, as argument lists without 'fieldapp'."""
    commands = []
    for block in shell_blocks(title):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "fieldapp":
                commands.append(words[1:])
    return commands
