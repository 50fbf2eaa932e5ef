"""Real-browser tests: Playwright driving Debian's Chromium against Django's live server.

Screenshots go to test-output/ (TEST_OUTPUT_DIR). The tests skip, saying why, only where
no Chromium is installed; .ci/run installs it.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parents[2] / "test-output"))

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told it is safe, which it is here: the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def outside_requests() -> list[str]:
    """Every request the page tried to send to a host other than the live server."""
    return []


@pytest.fixture
def csp_violations() -> list[str]:
    """Every Content-Security-Policy violation the browser reported (console or event)."""
    return []


# Reports each securitypolicyviolation event on the console as well: the console message alone
# is not sent for every kind (a report-only policy, some inline styles), the event always is.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def page(browser, live_server, outside_requests, csp_violations):
    # No request leaves the machine: anything not for the live server is refused and recorded
    # (a tile server, a CDN, a font), and the test fails at the end if there was any.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    ours = urlsplit(live_server.url).netloc

    def guard(route):
        url = route.request.url
        if urlsplit(url).netloc == ours or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    # The site's Content-Security-Policy (gridgov/settings.py) is in force in these tests: any
    # script, handler or style it refuses fails the test (CSP_LISTENER, console "Refused to ...").
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        text = message.text
        if text.startswith(("Refused to", "securitypolicyviolation:")):
            csp_violations.append(f"{message.page.url if message.page else ''}: {text}")

    context.on("console", on_console)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not outside_requests, f"requests to other hosts: {outside_requests}"
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def screenshot(page):
    """Save a screenshot of the page into the test output folder."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = OUTPUT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    def sign_in(username: str, password: str = "pw-for-tests"):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        # The login form's own button: with someone already signed in, the header's first
        # submit button is "log out".
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_load_state("networkidle")

    return sign_in
