"""The shape of the code, kept by tests (CONVENTIONS §1, §3; docs/adr/0014-layers-and-service-kernel.md).

The apps form layers, read from the bottom: the access log, the organisation, the project
package's kernel (services, API plumbing, dates), then cases, mapping, reporting, the exports and
imports, and the demo data on top. An app imports only apps of lower layers, so there is no cycle
between apps and each rule can be found below everything that uses it. A layer below reaches one
above only through a registration the higher layer makes in its `AppConfig.ready`.

No module imports another app's private (underscore) name: what other apps need is public."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Bottom first. An app may import apps of lower layers only.
LAYERS = [
    ("audit",),
    ("accounts",),
    ("samverkan",),
    ("outbox",),
    ("cases",),
    ("mapping",),
    ("preparation",),
    ("reporting",),
    ("funds",),
    ("national",),
    ("exports", "imports", "todo"),
    ("retention",),
    ("operations",),
    ("demo",),
    ("benchmarks",),
]
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}

# The composition root: these modules put every app together and may import any of them.
COMPOSITION_ROOT = {
    "samverkan/urls.py",
    "samverkan/api_urls.py",
    "samverkan/celery.py",
    "samverkan/wsgi.py",
    "samverkan/asgi.py",
    "samverkan/devstack.py",
}


def _modules(include_tests: bool):
    for app in LAYER_OF:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts:
                continue
            if not include_tests and ("tests" in parts or path.name == "conftest.py"):
                continue
            yield relative, app, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def _imports(tree):
    """(module, [names]) of every import, including those inside functions."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [alias.name for alias in node.names]


def _layer_violations() -> list[str]:
    found = []
    for relative, app, tree in _modules(include_tests=False):
        if relative in COMPOSITION_ROOT or relative.startswith("samverkan/settings/"):
            continue
        for module, _names in _imports(tree):
            target = module.split(".")[0]
            if target in LAYER_OF and target != app and LAYER_OF[target] >= LAYER_OF[app]:
                found.append(f"{relative} imports {module} ({app} may not use {target})")
    return found


def test_apps_import_only_apps_of_lower_layers():
    # given the layers above, when every module's imports are read (lazy ones too),
    # then none reaches an app of its own layer or above
    assert _layer_violations() == []


def test_the_layer_check_sees_an_import_that_runs_back_up(tmp_path, monkeypatch):
    # given a module of cases that imports mapping, when the check runs, then it is reported
    source = "def f():\n    from mapping.models import JointMapping\n"
    tree = ast.parse(source)
    monkeypatch.setattr(
        "samverkan.tests.test_architecture._modules",
        lambda include_tests: iter([("cases/bad.py", "cases", tree)]),
    )
    assert _layer_violations() == [
        "cases/bad.py imports mapping.models (cases may not use mapping)"
    ]


def _private_imports() -> list[str]:
    found = []
    for relative, app, tree in _modules(include_tests=True):
        for module, names in _imports(tree):
            target = module.split(".")[0]
            if target not in LAYER_OF or target == app:
                continue
            private_parts = [p for p in module.split(".") if p.startswith("_") and p != "__init__"]
            private_names = [n for n in names if n.startswith("_")]
            if private_parts or private_names:
                found.append(f"{relative}: from {module} import {', '.join(names)}")
    return found


def test_no_module_imports_a_private_name_of_another_app():
    assert _private_imports() == []


@pytest.mark.parametrize("app", sorted(LAYER_OF))
def test_every_app_of_the_layers_exists(app):
    # A renamed app would silently drop out of the checks above.
    assert (ROOT / app / "__init__.py").exists()


MAX_LINES = 400


def _long_modules_without_a_reason() -> list[str]:
    found = []
    for relative, _app, tree in _modules(include_tests=False):
        lines = (ROOT / relative).read_text(encoding="utf-8").count("\n")
        if lines <= MAX_LINES:
            continue
        docstring = ast.get_docstring(tree) or ""
        if "long because" not in docstring.lower():
            found.append(f"{relative}: {lines} lines")
    return found


def test_no_module_is_long_without_a_reason_at_its_top():
    # A module past ~400 lines becomes a package by responsibility (CONVENTIONS §1), unless
    # its opening docstring says why it is "long because ...".
    assert _long_modules_without_a_reason() == []


def _services_taking_a_request() -> list[str]:
    found = []
    # The domain apps' services; the log (audit) and the kernel's AccessContext.from_request are
    # where a request becomes a context.
    for relative, app, tree in _modules(include_tests=False):
        parts = Path(relative).parts
        if app in ("audit", "accounts", "samverkan"):
            continue
        if not ("services" in parts or Path(relative).stem == "services"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
                if "request" in names:
                    found.append(f"{relative}: {node.name}")
    return found


def test_services_take_an_access_context_not_the_http_request():
    # Commands, imports and tasks call the services as pages do (CONVENTIONS §3, ADR 0014).
    assert _services_taking_a_request() == []


def test_every_folder_with_tests_is_in_the_suite():
    # A new app's tests run in `make test` only if pytest.ini lists the app.
    ini = (ROOT / "pytest.ini").read_text(encoding="utf-8")
    listed = set(next(ln for ln in ini.splitlines() if ln.startswith("testpaths")).split()[2:])
    with_tests = {
        path.relative_to(ROOT).parts[0]
        for path in ROOT.glob("*/**/test_*.py")
        if path.relative_to(ROOT).parts[0] not in {".venv", ".data", "node_modules"}
    }
    assert with_tests - listed == set()
