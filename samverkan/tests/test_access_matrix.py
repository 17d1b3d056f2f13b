"""The access matrix (SPEC §7, OWASP ASVS 4.2.1): every route of the URL resolver, the API's
included, × the methods its view allows and one it does not × every role, against the table
declared in access_matrix.py: the status and the access-log rows of every call.

Besides the table, every call is held to the rules that need no declaration: nobody without case
access in the area (anonymous, management group, analyst, another area's officer, the
administrator, the regional manager, the national group) sees the area's person on any page,
list, search or export; an answer that shows the person wrote at least one access-log row; no
address asked for and no error page holds anything that looks like a personnummer
(audit.personnummer's one pattern)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.tests.factories import staff
from accounts.tests.login import force_login_two_factor
from audit.models import AccessLog
from audit.personnummer import contains_personnummer
from samverkan.tests import access_matrix as table
from samverkan.tests.test_url_walk import objects  # noqa: F401 (the fixture: one of each object)


def _walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if namespace and entry.namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            params = set(getattr(entry.pattern, "converters", {}) or {})
            params |= set(entry.pattern.regex.groupindex)
            name = entry.name or "<unnamed>"
            yield (
                (f"{namespace}:{name}" if namespace else name),
                tuple(sorted(params)),
                (prefix + str(entry.pattern)),
            )


ALL_ROUTES = list(_walk(get_resolver().url_patterns))
PAGES = [r for r in ALL_ROUTES if not r[0].startswith("admin:")]
ADMIN = [r for r in ALL_ROUTES if r[0].startswith("admin:")]
# Sessions end last: the logout pages come after every other route.
ENDS_SESSION = {"accounts:logout", "admin:logout"}


def _admin_status(name):
    """The administrator's declared status on an admin page, or None if undeclared."""
    if name in table.ADMIN_EXCEPTIONS:
        return table.ADMIN_EXCEPTIONS[name]
    if name in table.ADMIN_SITE_PAGES:
        return table.ADMIN_SITE_PAGES[name]
    rest = name.removeprefix("admin:")
    for model in table.ADMIN_MODELS:
        suffix = rest.removeprefix(model + "_")
        if suffix != rest and suffix in table.ADMIN_MODEL_PAGES:
            return table.ADMIN_MODEL_PAGES[suffix]
    return None


def test_every_route_is_declared_and_every_declared_route_exists():
    names = {name for name, _, _ in PAGES}
    missing = names - set(table.ROUTES)
    assert not missing, f"declare in access_matrix.ROUTES: {missing}"
    assert not set(table.ROUTES) - names, f"no longer routes: {set(table.ROUTES) - names}"
    undeclared = sorted(n for n, _, _ in ADMIN if _admin_status(n) is None)
    assert not undeclared, f"declare in access_matrix.ADMIN_*: {undeclared}"
    for name, params, _ in PAGES:
        route = table.ROUTES[name]
        assert ("pk" in params) == (route.obj is not None), name
        assert set(params) - {"pk", "officer"} <= set(table.OTHER_PARAMS), (name, params)


def test_every_operation_of_the_api_schema_is_a_declared_route_and_method():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    undeclared = []
    for path, operations in schema["paths"].items():
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
        route = table.ROUTES.get(match.view_name)
        for method in operations:
            if route is None or method.upper() not in route.allowed:
                undeclared.append(f"{method.upper()} {path} ({match.view_name})")
    assert schema["paths"] and not undeclared, undeclared


def _url(name, params, route_text, objs, route):
    if name == "admin:<unnamed>":
        path = re.sub(r"<[^>]+>", table.ADMIN_OBJECT_ID, route_text)
        return "/" + path.replace("^(?P<url>.*)$", "ingen-sida/").replace("^", "")
    if name.startswith("admin:"):
        values = {"app_label": "accounts", "content_type_id": "1", "format": "json"}
        kwargs = {p: values.get(p, table.ADMIN_OBJECT_ID) for p in params}
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:
            # django-simple-history's admin view uses unnamed groups (object id, history id)
            return reverse(name, args=[table.ADMIN_OBJECT_ID, table.ADMIN_OBJECT_ID])
    kwargs = {p: table.OTHER_PARAMS[p] for p in params if p not in ("pk", "officer")}
    if "officer" in params:  # the coordinator's page for one officer: the case's FK officer
        kwargs["officer"] = objs["case"].fk_officer_id
    if route.obj:
        kwargs["pk"] = objs[route.obj].pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def clients(
    fk_officer,
    af_officer,
    colleague,
    coordinator,
    management,
    analyst,
    outsider,
    regional_manager,
    national_group,
):
    admin = staff("sysadmin", username="admin", is_staff=True, is_superuser=True)
    users = dict(
        fk_officer=fk_officer,
        af_officer=af_officer,
        colleague=colleague,
        coordinator=coordinator,
        management=management,
        analyst=analyst,
        outsider=outsider,
        admin=admin,
        regional=regional_manager,
        national=national_group,
    )
    result = {"anonymous": Client()}
    result.update({role: force_login_two_factor(Client(), user) for role, user in users.items()})
    assert list(result) == list(table.ROLES)
    return result


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# Roles without case access in the person's area: they never see the person.
SEE_NO_ONE = {
    "anonymous",
    "management",
    "analyst",
    "outsider",
    "admin",
    "regional",
    "national",
}


def _calls(objs):
    """(name, url, method, data, {role: (status, rows)}) for every call of the matrix."""
    for name, params, text in sorted(ALL_ROUTES, key=lambda r: r[0] in ENDS_SESSION):
        if name.startswith("admin:"):
            url = _url(name, params, text, objs, None)
            expected = {role: table.ADMIN_OTHERS.get(name, (302, 0)) for role in table.ROLES}
            # A refusal writes its one "denied" row (samverkan.errors), as everywhere.
            catch_all = name == "admin:<unnamed>" and "(?P<url>" in text
            status = _admin_status("admin:<catch-all>" if catch_all else name)
            expected["admin"] = (status, 1 if status == 403 else 0)
            yield name, url, "GET", {}, expected
            continue
        route = table.ROUTES.get(name)
        if route is None:
            yield name, None, "", {}, {}
            continue
        url = _url(name, params, text, objs, route)
        for method, row in route.calls():
            # Only forms carry data; an API call with no body is bad input like an empty form.
            yield name, url, method, route.data if method == "POST" else None, table.cells(row)


@pytest.mark.parametrize("role", table.ROLES)
def test_access_matrix(role, clients, objects, person):  # noqa: F811 (the fixture)
    """One role's column of the matrix (one test per role, so the suite's workers share them)."""
    client = clients[role]
    secrets = [person.last_name, person.personnummer, person.personnummer[:8]]
    mismatches, leaks = [], []
    calls = logged = shown_calls = 0
    for name, url, method, data, expected in _calls(objects):
        if url is None:
            mismatches.append(f"{name}: not declared in access_matrix.ROUTES")
            continue
        if contains_personnummer(url):
            leaks.append(f"address {name}")
        calls += 1
        logged += expected[role][1] > 0
        before = AccessLog.objects.count()
        call = getattr(client, method.lower())
        response = call(url, data) if data is not None else call(url)
        body = _body(response)
        got = (response.status_code, AccessLog.objects.count() - before)
        if got != expected[role]:
            mismatches.append(
                f"{name} {method}: declared {expected[role][0]}/{expected[role][1]}, "
                f"got {got[0]}/{got[1]}"
            )
        shown = any(secret in body for secret in secrets)
        shown_calls += shown
        if shown and role in SEE_NO_ONE:
            leaks.append(f"{name} {method}: shows the person")
        if shown and got[0] == 200 and got[1] == 0:
            leaks.append(f"{name} {method}: shows the person without a log row")
        if response.status_code >= 400 and contains_personnummer(body):
            leaks.append(f"{name} {method}: error page {response.status_code}")
    summary = (
        f"{role}: {len(ALL_ROUTES)} routes, {calls} calls (the methods each view allows and one "
        f"it does not; admin pages GET), {logged} of them writing access-log rows, "
        f"{shown_calls} showing the person; {len(mismatches)} mismatches, {len(leaks)} leaks"
    )
    print(f"\naccess matrix, {summary}")  # shown with -s or -rP
    assert not mismatches, "\n".join([summary, *mismatches])
    assert not leaks, "\n".join([summary, *leaks])
