"""Fixtures for the browser journeys: one Chromium for the session, a fresh page per test at a phone or a
desktop size, the live server, and ``shot`` to save a screenshot of each step.

Every test here is marked ``browser`` and runs against pytest-django's live server, which commits for
real (``transaction=True``): on_commit callbacks such as sending an SMS keep Django's behaviour. The live
server's database is flushed after each test, so data migrations (administrative divisions) are gone
for the tests that follow; the account pages do not need them.
"""

import functools
import os
import re
import threading
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread
# (factories, reading the outbox) would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("KUAIJI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = HERE.parent.parent / "test-artifacts" / "screenshots"
# axe-core from the npm registry (package.json at the repository root; `make test` runs npm install). It is
# injected by the test, never served by the app.
AXE = HERE.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder: ``browser``, and a database that commits for real."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page(browser, live_server, viewport, one_request_at_a_time):
    """A page in a fresh context (no cookies) whose relative URLs go to the live server.

    Script errors, messages the console reports as errors (a CSP violation) and assets that fail to
    load fail the test; the favicon the browser asks for by itself is let off.
    """
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message):
        # A page answered with 400 (a form with errors) is logged as "Failed to load resource": the
        # responses are checked below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_response(response):
        # Browsers ask for /favicon.ico on their own; the site has none (yet).
        request = response.request
        if (
            response.status >= 400
            and request.resource_type != "document"
            # The upload script's request is answered 400 with the refusal in JSON, shown by the slot.
            and not (response.status == 400 and request.resource_type in ("xhr", "fetch"))
            and not request.url.endswith("/favicon.ico")
        ):
            problems.append(f"{response.status} for {request.resource_type} {request.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    assert not problems, problems


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit_accessibility(page) -> None:
    """Run axe-core on the page as it stands and fail on any WCAG 2.1 A/AA violation."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed ({AXE}): run `npm install --no-audit --no-fund`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Not add_script_tag: the site's CSP (script-src 'self') rightly blocks an inline script, and
        # bypass_csp would hide the CSP violations the page fixture reports. DevTools evaluation is exempt.
        page.evaluate(_axe_source())
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        AXE_TAGS,
    )
    assert not violations, f"axe on {page.url}: {violations}"


@pytest.fixture
def axe():
    """``axe(page)``: the accessibility audit, for a page state a journey checks without a screenshot."""
    return audit_accessibility


@pytest.fixture
def shot(request, viewport):
    """``shot(page, name)``: save a full-page screenshot of the step, check the page is no wider than the
    screen, and run axe-core on it (every step a journey records is audited).

    Files are ``test-artifacts/screenshots/<test>-<viewport>-<nn>-<name>.png``, numbered in step order.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"^test_", "", request.node.originalname)
    steps = iter(range(1, 100))
    for old in SCREENSHOTS.glob(f"{test_name}-{viewport}-*.png"):
        old.unlink()

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{viewport}-{next(steps):02d}-{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError as error:  # the page is still usable; the check below matters more
            pytest.fail(f"screenshot {path.name} failed: {error}")
        # A phone widens its layout viewport (and window.innerWidth with it) to fit content that is too
        # wide, so the page is measured against the screen's width as configured.
        screen_width = page.viewport_size["width"]
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert max(scroll_width, inner_width) <= screen_width, (
            f"{page.url} is wider than the screen at step {name}: {scroll_width}px (layout viewport "
            f"{inner_width}px) > {screen_width}px"
        )
        audit_accessibility(page)
        return path

    return take


@pytest.fixture
def one_request_at_a_time(live_server):
    """Handle one request at a time while this test runs.

    With the test database in SQLite's memory, every thread of the live server shares one connection;
    the review page loads five images at once and each writes an audit event, and two writes at once on
    that connection fail with "database table is locked" (Django ticket #29062). Production databases
    are not shared like this."""
    server = live_server.thread.httpd
    application = server.get_app()
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            response = application(environ, start_response)
            try:
                return [b"".join(response)]  # streamed bodies too, and request_finished, under the lock
            finally:
                response.close()

    server.set_app(serialised)
    yield
    server.set_app(application)
