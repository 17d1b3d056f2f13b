"""docs/exports.md documents the export interface: every column of every kind, in file order,
with its identity and anonymity rules, exactly as exports.columns defines them."""

import re
from pathlib import Path

import pytest

from exports.columns import KINDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


def documented(kind: str) -> list[tuple[str, str, str]]:
    """(column, type, notes) of the kind's table, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"### {kind}\n", 1)[1].split("\n### ", 1)[0]
    return [
        (match.group(1), match.group(2), match.group(3).strip())
        for match in re.finditer(
            r"^\| `([a-z0-9_]+)` \| (\w+) \| .* \|\s*([a-z ,]*?)\s*\|$", section, re.M
        )
    ]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_column_is_documented_in_order_with_its_rules(kind):
    expected = [(column.name, column.type, notes(column)) for column in KINDS[kind]]
    assert documented(kind) == expected


def notes(column) -> str:
    if column.identity or column.full_only:
        return "full only"
    shown = []
    if column.coarsened_only:
        shown.append("coarsened only")
    if column.kept_for_anonymous:
        shown.append("anonymous")
    return ", ".join(shown)
