"""The deployment files read as systemd and nginx would read them, with the paths of a machine
put in place of the installed ones, so that `make prodcheck` starts exactly what the unit files
say (docs/OPERATIONS.md). Standard library only."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
UNITS = ("samverkan-web", "samverkan-worker", "samverkan-beat")
ENV_EXAMPLE = DEPLOY / "samverkan.env.example"
NGINX_SITE = DEPLOY / "nginx" / "samverkan.conf"
MANAGE_SCRIPT = DEPLOY / "samverkan-manage"

# The PATH systemd gives a service.
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_BRACED = re.compile(r"\$\{(\w+)\}")


@dataclass
class Unit:
    name: str
    settings: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        values = self.settings.get(key)
        return values[-1] if values else default

    def all(self, key: str) -> list[str]:
        return self.settings.get(key, [])

    def environment(self) -> dict[str, str]:
        """The Environment= lines (each `NAME=value`, possibly several per line)."""
        found = {}
        for line in self.all("Environment"):
            for word in shlex.split(line):
                name, _, value = word.partition("=")
                found[name] = value
        return found


def read_unit(name: str, replace: dict[str, str] | None = None) -> Unit:
    """The [Service] section of deploy/<name>.service, each value with `replace` applied."""
    unit = Unit(name)
    section = ""
    for raw in (DEPLOY / f"{name}.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        unit.settings.setdefault(f"{section}.{key.strip()}", [])
        if section == "Service":
            unit.settings.setdefault(key.strip(), []).append(substitute(value.strip(), replace))
    return unit


def substitute(text: str, replace: dict[str, str] | None) -> str:
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    return text


def read_env_file(text: str) -> dict[str, str]:
    """An EnvironmentFile: `NAME=value` lines, comments and blank lines skipped, a value's
    enclosing double quotes removed (as systemd does)."""
    found = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] == '"':
            value = value[1:-1]
        found[name.strip()] = value
    return found


def env_file_with(overrides: dict[str, str]) -> str:
    """The example environment file with the given values in place of its own; every name
    given must be a name of the example, so a check cannot set what operations would not."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    names = read_env_file(text)
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ValueError(f"not in samverkan.env.example: {', '.join(unknown)}")
    lines = []
    for raw in text.splitlines():
        name = raw.partition("=")[0].strip()
        if not raw.lstrip().startswith("#") and name in overrides:
            raw = f"{name}={overrides[name]}"
        lines.append(raw)
    return "\n".join(lines) + "\n"


def command_line(value: str, env: dict[str, str]) -> list[str]:
    """An ExecStart= value as systemd runs it: `${NAME}` is replaced within a word, `$NAME` only
    as a word of its own, split on white space (inside a word it is left to the shell that
    `sh -c` starts); `%%` is a percent sign. A leading `-`, `@`, `+` or `!` prefix is not used by
    our units and is refused rather than ignored."""
    if value[:1] in "-@+!:":
        raise ValueError(f"unsupported ExecStart prefix in {value!r}")
    words = []
    for word in shlex.split(value.replace("%%", "%")):
        whole = re.fullmatch(r"\$(\w+)", word)
        if whole:
            words.extend(env.get(whole.group(1), "").split())
            continue
        words.append(_BRACED.sub(lambda m: env.get(m.group(1), ""), word))
    return words


def unit_process(unit: Unit, env_file: dict[str, str]) -> tuple[list[list[str]], list[str], dict]:
    """(ExecStartPre commands, the ExecStart command, its environment) as systemd would give
    them: the environment file first, then the unit's Environment= lines over it."""
    env = {**env_file, **unit.environment()}
    before = [command_line(line, env) for line in unit.all("ExecStartPre")]
    return before, command_line(unit.get("ExecStart"), env), env
