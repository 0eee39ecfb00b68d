"""Server time of the fleet dashboard at scale against a minimal signed-in page."""

import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.readiness.services import readiness_recompute

BLANK = "/__bench__/blank/"


def _get(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), len(response.content)


def _pairs(client: Client, url: str, repeat: int, cold: bool) -> dict:
    """Requests to the page and to the blank page alternate, so both see the same machine
    load; the ratio is the median of the per-pair ratios."""
    client.get(url)
    client.get(BLANK)
    page, blank, ratios = [], [], []
    for _ in range(repeat):
        if cold:
            cache.clear()  # as right after a recompute: every piece rendered afresh
        elapsed, queries, size = _get(client, url)
        base, _, _ = _get(client, BLANK)
        page.append(elapsed)
        blank.append(base)
        ratios.append(elapsed / base)
    return {
        "median": statistics.median(page),
        "blank": statistics.median(blank),
        "ratio": statistics.median(ratios),
        "queries": queries,
        "size": size,
    }


@override_settings(ROOT_URLCONF="benchmarks.urls", DEBUG=False, ALLOWED_HOSTS=["testserver"])
def run(repeat: int = 20) -> list[str]:
    readiness_recompute()
    agencies = Agency.objects.exclude(kind=Agency.Kind.DEPARTMENT).count()
    client = Client()
    client.force_login(User.objects.get(username="oversight"))
    _, blank_queries, _ = _get(client, BLANK)
    rows = []
    for label, url, cold in (
        ("fleet dashboard", "/fleet/", False),
        ("fleet dashboard, red agencies, by EV", "/fleet/?rating=red&sort=-ev", False),
        ("department roll-up", "/fleet/departments/", False),
        ("fleet dashboard, cold (figures just recomputed)", "/fleet/", True),
        ("department roll-up, cold", "/fleet/departments/", True),
    ):
        m = _pairs(client, url, repeat, cold)
        rows.append(
            f"| {label} | {m['median'] * 1000:.1f} ms | {m['blank'] * 1000:.1f} ms "
            f"| {m['ratio']:.2f} | {m['queries']} | {m['size'] / 1024:.0f} KiB |"
        )
    return [
        f"### Dashboard server time ({agencies} agencies, median of {repeat} requests)",
        "",
        "Django test client, one process; each request to a page alternates with one to a",
        f"minimal signed-in page (the base template, no data, {blank_queries} queries).",
        "",
        "| page | median | blank page median | ratio (median of pairs) | queries | size |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "Target: fleet dashboard ratio ≤ 3. Rendered pieces are cached under the figures'"
        " version, so the cold rows are paid once per recompute (every 15 minutes, or when an"
        " agency changes), by the first reader.",
        "",
    ]
