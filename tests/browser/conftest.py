"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser comes from Debian (/usr/bin/chromium).
Screenshots go to var/screenshots/ (not committed) for a reviewer to look at.
"""
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from test code
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # Chromium keeps the machine's clock: session cookies that a server on the suite's
            # moved clock dates expire in the browser's eyes, and a second login in one test
            # finds the first session still there. The browser tests build their calendar from
            # today instead (the server-side rules run at every moment of the calendar matrix).
            item.add_marker(pytest.mark.real_clock)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return take


@pytest.fixture
def login(live_server):
    """login(page, username) signs in through the real login form with the demo password."""
    def sign_in(page, username, password="Demo@2026"):
        # Leave the previous page first: a request it still has in flight (a chart's data, the
        # inbox badge) would set the previous user's session cookie again after it is cleared
        # (every request renews the idle-timeout session), and the login page would find that
        # user still signed in.
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        # A click waits only for the navigation to start: until the next page has loaded, a
        # tap can reach a page whose scripts have not run yet.
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
    return sign_in


@pytest.fixture
def demo(transactional_db):
    """The demo street as `seed_demo` builds it, small: every demo login exists."""
    from portal import demo as portal_demo

    return portal_demo.seed(portal_demo.DemoContext(communities=3, members_per_community=12,
                                                    log=lambda text: None))
