"""Browser-test infrastructure: headless Debian Chromium driven by pytest-playwright against
Django's `live_server`.

What every browser test gets from here:

- Chromium from Debian (/usr/bin/chromium); `playwright install` is never run (downloads of
  browsers are blocked on our machines, see ../shared/STACK-NOTES.md).
- `sign_in(page, user)`: a signed-in page without going through the form (fast), and
  `sign_in_with_form(page, username, password)` for the tests of the sign-in page itself.
- `assert_accessible(page, name)`: an axe-core scan limited to WCAG 2.1 A/AA; fails listing
  each violation with its nodes.
- `screenshot(page, name)`: a full-page PNG under tests/artifacts/ (git-ignored) to look at.

Mark browser tests `@pytest.mark.browser`. They use `live_server`, hence a transactional
database: rows a test creates are committed and visible to the server thread.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

# The sync Playwright API runs an event loop in the test's thread, so Django takes the test
# for async code and refuses ORM calls (SynchronousOnlyOperation). The calls are in fact
# synchronous; the server runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # A laptop-sized window; US English so dates render as the product expects.
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}, "locale": "en-US"}


@pytest.fixture
def server_url(live_server) -> str:
    """Base URL of the live server (no trailing slash)."""
    return live_server.url


@pytest.fixture
def sign_in(live_server) -> Callable:
    """`sign_in(page, user)`: give the page's browser context a session for `user`.

    Builds the session the way `django.contrib.auth.login` does and hands its cookie to
    the browser, so tests skip the form (the sign-in page has its own tests)."""

    def _sign_in(page, user) -> None:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return _sign_in


@pytest.fixture
def sign_in_with_form(live_server) -> Callable:
    """`sign_in_with_form(page, username, password)`: sign in through the real form."""

    def _sign_in(page, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")

    return _sign_in


def assert_accessible(page, name: str = "", *, context: str | None = None) -> None:
    """Run axe-core in the page (WCAG 2.1 A and AA rules only) and fail on any violation,
    naming each rule and the elements it found."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _AXE.run(page, context=context, options=options)
    violations = results.response["violations"]
    if violations:
        lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {name or page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        pytest.fail("\n".join(lines))


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as tests/artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def axe() -> Callable:
    """Fixture form of `assert_accessible` for tests that prefer fixtures to imports."""
    return assert_accessible


@pytest.fixture
def shot() -> Callable:
    """Fixture form of `screenshot`."""
    return screenshot
