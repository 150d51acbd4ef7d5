"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live
server, with axe-core for accessibility checks.

Nothing here downloads a browser. When Chromium or axe-core is missing the browser tests are
skipped with the reason, unless WAYMARK_REQUIRE_BROWSER=1 (as CI sets it), when they fail.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by the chromium_browser fixture, as a skip or a failure
    expect = sync_playwright = None

# Playwright's sync API runs its own entry loop in the test thread, which makes Django's
# async-safety check refuse ORM calls made from the test itself (seeding, lookups).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("WAYMARK_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def browser_unavailable(reason: str):
    """Skip, or fail when the environment says the browser tests must run."""
    if os.environ.get("WAYMARK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"WAYMARK_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser():
    if sync_playwright is None:
        browser_unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        browser_unavailable(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set WAYMARK_CHROMIUM)"
        )
    if not AXE_JS.is_file():
        browser_unavailable(f"axe-core is missing at {AXE_JS} (run npm ci)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageWatch:
    """Collects what the browser reports about a page that a person would not see."""

    def __init__(self):
        self.console = []
        self.errors = []

    def attach(self, page):
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return self

    def csp_violations(self):
        return [text for text in self.console if "Content Security Policy" in text]


@pytest.fixture
def new_page(chromium_browser, live_server):
    """Open a page in a fresh context: new_page(viewport=PHONE, bypass_csp=False)."""
    contexts = []

    def open_page(viewport=PHONE, bypass_csp=False):
        context = chromium_browser.new_context(
            viewport=viewport, bypass_csp=bypass_csp, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.watch = PageWatch().attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def run_axe(page) -> list[dict]:
    """Inject axe-core (the context must bypass CSP) and return its WCAG violations."""
    page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    return page.evaluate(
        """async (options) => {
            const results = await axe.run(document, options);
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(' '),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        options,
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines) or json.dumps(violations)


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot to $WAYMARK_SCREENSHOT_DIR, when it is set, for a person
    to look at."""
    folder = os.environ.get("WAYMARK_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def horizontal_overflow(page) -> tuple[int, int]:
    """(scrollWidth, viewport width) of the document."""
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]",
    )


# --- Demo people and moving about ---------------------------------------------------------

TRAINEE_EMAIL = "trainee1@waymark.example"
SUPERVISOR_EMAIL = "supervisor1@waymark.example"
ADMIN_EMAIL = "admin@waymark.example"
PASSWORD_LABEL = re.compile(r"^Password:?$")


def open_path(page, path):
    """Go to `path` and insist that it loaded, so that a server error is not reported as an
    accessibility failure of the error page."""
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    page.wait_for_load_state("load")


def sign_in(page, email=TRAINEE_EMAIL, password=None):
    from django.conf import settings

    open_path(page, "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def demo_data(transactional_db):
    """The demo site, as `make run` seeds it, with nothing counted in the cache (rate
    limits) from an earlier test."""
    cache.clear()
    call_command("seed_demo")


def assert_fits_phone(page):
    scroll_width, viewport_width = horizontal_overflow(page)
    assert scroll_width <= PHONE["width"], (
        f"{page.url} scrolls sideways on a {viewport_width}px phone: "
        f"the document is {scroll_width}px wide"
    )


def assert_no_axe_violations(page, where):
    violations = run_axe(page)
    assert not violations, f"axe found problems on {where}:\n{describe_violations(violations)}"


def assert_no_csp_violations(page):
    violations = page.watch.csp_violations()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)
    assert not page.watch.errors, "JavaScript errors:\n" + "\n".join(page.watch.errors)
