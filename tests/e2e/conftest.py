"""Browser end-to-end harness: Debian's Chromium driven by Playwright's sync API.

- `browser` (session): one headless Chromium for the whole run. A missing Chromium FAILS the run
  with a message saying how to install it; it never skips.
- `context` / `page` (function): a fresh browser context per test (own cookies, Swedish locale).
  When a test fails, a screenshot is saved to test-artifacts/ (gitignored).
- `demo_data`: the reference data (agencies, roles; the flush between transactional tests removes
  what the data migration seeded) and `load_demo` with a known password.
- `login_as(page, live_server, username)`: logs in through the real login form and the real code
  page, typing the current code of the authenticator app `demo_data` gave every demo user.
- `tour` (function): for the flow tests. `tour.check("label")` runs axe-core on the page as it is
  (0 serious or critical violations, or the test fails naming them) and saves a screenshot to
  test-artifacts/e2e/<test>/; at the end the test fails if the browser loaded a page (an address
  with its query) that was never checked. With a tour, `login_as` checks the login pages too.

Playwright's sync API runs an asyncio event loop in this thread, so Django's "async unsafe" guard
would refuse the ORM calls of the fixtures; it is switched off for this test process only."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest

# Must be set before the database or the live server is touched (see module docstring).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "Demo-lösenord-för-test-2026"
LOGIN_PATH = "/konto/logga-in/"
SECOND_FACTOR_PATH = "/konto/tvastegsinloggning/"
# The demo users' authenticator app in these tests (hex, as django-otp stores TOTP keys).
E2E_TOTP_KEY = "3132333435363738393031323334353637383930"
# The laptop screen the product is designed for.
VIEWPORT = {"width": 1366, "height": 768}
# axe-core impacts that fail a test; "moderate" and "minor" are reported in the artefacts only.
AXE_FAILING_IMPACTS = ("serious", "critical")
# Short timeouts: every page here renders in milliseconds; a wrong selector should fail fast
# (10 s rather than 5: a 2-core CI machine under load once took over 5 s for one login).
TIMEOUT_MS = 10_000

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Refuse to create (and so possibly drop) a test database under the wrong settings.

    `python -m samverkan.devstack` imports the `samverkan` package, whose celery.py sets
    DJANGO_SETTINGS_MODULE=samverkan.settings.local in the environment it hands to pytest, and
    pytest-django prefers that variable over pytest.ini. Under the local settings TEST_DATABASE_NAME
    is ignored and the test database is `test_samverkan`, which pytest-django drops and recreates:
    another developer's running suite would lose its database. Fail before that can happen."""
    from django.conf import settings

    wanted = "samverkan.settings.test"
    if settings.SETTINGS_MODULE != wanted:
        pytest.fail(
            f"E2E-testerna kör med inställningarna {settings.SETTINGS_MODULE!r}, inte {wanted!r}: "
            "testdatabasen skulle bli test_samverkan oavsett TEST_DATABASE_NAME. "
            f"Kör med DJANGO_SETTINGS_MODULE={wanted} (eller pytest --ds={wanted}).",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium saknas: {CHROMIUM} finns inte eller är inte körbar. "
            "Installera Debians paket med `make e2e-deps` "
            "(apt-get install chromium) eller peka ut en annan binär med E2E_CHROMIUM.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")  # Chromium refuses to start sandboxed as root
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser):
    # Swedish, as the users' browsers are (the UI is Swedish whatever the browser asks for).
    ctx = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport=VIEWPORT)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context, request):
    pg = context.new_page()
    yield pg
    from playwright.sync_api import Error as PlaywrightError

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not pg.is_closed():
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except PlaywrightError as exc:  # a screenshot must never hide the real failure
            print(f"[e2e] kunde inte spara skärmbild: {exc}")
    pg.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item so `page` can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def demo_data(transactional_db, monkeypatch):
    """The demo data set (load_demo restores the reference data a flushed database lacks);
    returns the demo users' password.

    Without the follow-up history (three years of cases and the monthly snapshots): no browser
    test needs it, and it would add seconds to every test. A test that does can call
    `call_command("load_demo")` again, which adds just the history."""
    from django.core.management import call_command

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("load_demo", "--without-history", stdout=io.StringIO())
    _give_demo_users_an_app()
    return DEMO_PASSWORD


def _give_demo_users_an_app():
    """Every demo user as if enrolled: an authenticator app with a key the tests know."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for user in get_user_model().objects.all():
        TOTPDevice.objects.get_or_create(
            user=user, name="Testapp", defaults={"key": E2E_TOTP_KEY, "confirmed": True}
        )


def _current_code(username):
    """The code the user's app shows now. The product accepts each code once: a second login of
    the same user within one 30-second step (or after the tests travelled back in time) waits for
    a later step, as a person would wait for the next code."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() < device.last_t:
        # Only time travel puts the clock behind the last used step; forget that step.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=totp.t() - 1)
    elif totp.t() == device.last_t:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
    return f"{totp.token():0{device.digits}d}"


def _login_as(page, live_server, username, password=DEMO_PASSWORD):
    """Log in through the real login form and wait until we have left the login page."""
    tour = TOURS.get(id(page))
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    if tour:
        tour.check("inloggning")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    if LOGIN_PATH in page.url:
        errors = page.locator(".error-summary").all_inner_texts()
        raise AssertionError(f"inloggningen som {username} misslyckades: {errors}")
    if SECOND_FACTOR_PATH not in page.url:
        raise AssertionError(f"{username} kom förbi lösenordet utan att få frågan om koden")
    if tour:
        tour.check("kod")
    page.locator("input[name=code]").fill(_current_code(username))
    with page.expect_navigation():
        page.get_by_role("button", name="Fortsätt").click()
    if SECOND_FACTOR_PATH in page.url:
        errors = page.locator(".field-error").all_inner_texts()
        raise AssertionError(f"koden för {username} godtogs inte: {errors}")
    return page


@pytest.fixture
def login_as(demo_data):
    """login_as(page, live_server, username) -> page, logged in via the login form."""
    return _login_as


# The tour of each open page, so that login_as can check the login pages of a flow test.
TOURS: dict[int, Tour] = {}


class Tour:
    """The pages one flow test visits: each checked with axe-core and photographed."""

    def __init__(self, page, test_name):
        self.page = page
        self.folder = ARTIFACTS / "e2e" / re.sub(r"[^\w.-]+", "_", test_name)[-120:]
        shutil.rmtree(self.folder, ignore_errors=True)  # only this run's pages
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        self.shots = 0
        page.on("load", self._loaded)

    def _loaded(self, page):
        self.loaded.append(page.url)

    def check(self, label: str = "sida"):
        """axe-core on the page as it is now; a screenshot; the address counted as checked."""
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        page.wait_for_load_state()
        self.shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^\w-]+", "-", label).strip("-")[:60] or "sida"
        # The screen as the user first sees it (a full-page picture costs more than the check).
        page.screenshot(path=str(self.folder / f"{self.shots:02d}-{slug}.png"))
        results = Axe().run(page)
        violations = results.response["violations"]
        failing = [v for v in violations if v.get("impact") in AXE_FAILING_IMPACTS]
        if violations:
            (self.folder / f"{self.shots:02d}-{slug}.axe.txt").write_text(
                results.generate_report(), encoding="utf-8"
            )
        assert not failing, f"axe-core på {page.url} ({label}):\n" + "\n".join(
            f"- {v['impact']}: {v['id']} – {v['help']}: "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in failing
        )
        self.checked.add(page.url)
        return page

    def unchecked(self) -> list[str]:
        return sorted({url for url in self.loaded if url not in self.checked})


@pytest.fixture
def tour(page, request):
    """tour.check(label) after each page a flow test visits (see the module docstring)."""
    visit = Tour(page, request.node.nodeid.split("::", 1)[-1])
    TOURS[id(page)] = visit
    yield visit
    TOURS.pop(id(page), None)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        missed = visit.unchecked()
        assert not missed, (
            "sidor som laddades men aldrig kontrollerades med axe-core: " + ", ".join(missed)
        )
