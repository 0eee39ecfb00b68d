"""Every URL the resolver knows, as every demo role, on the demo data: no answer is a 5xx.

STYLE rule 18: factories alone once let every measured task's page answer 500 on the demo
data. This sweep walks the URL resolver (pages, htmx fragments, downloads, exports, the
admin), fills each pattern with real ids of each kind of object (`FILLERS`), and GETs each
URL as anonymous, each demo CISO, oversight, leadership and the admin. A pattern with
parameters and no filler fails `test_every_url_pattern_is_filled`, so a new page cannot ship
unswept. Then every GET parameter a page reads (recorded while it answers) is sent a set of
bad values: the answer is a 4xx or a page with a form error, never a 5xx.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils.functional import cached_property

from tests.demo_data import DemoObjects

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = ("anonymous", "ciso", "ciso-nasa", "ciso-faa", "ciso-ssa", "oversight", "leadership")
ADMIN = "admin"
# A value no object has: the admin answers such an id with a redirect and a message.
MISSING_ID = "987654321"

BAD_VALUES = (
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "not-a-number",
    "zz-unknown-choice",
    "x" * 5000,
    "\x00",
    "[]",
)
# A page reads `page` through its paginator; these are its bad values on top of the above.
PARAM_NAMES_ALWAYS = ("page",)


# --- The resolver's patterns ----------------------------------------------------------------


# A route converter ("<int:pk>") or a regex group ("(?P<app_label>…)").
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (with namespaces) or, unnamed, its route text."""

    name: str | None
    route: str

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def parameters(self) -> list[str]:
        return [a or b for a, b in _PARAMETER.findall(self.route)]

    def url(self, kwargs: dict) -> str:
        """The route with `kwargs` in its parameters (route converters and regex groups)."""
        text = self.route.replace("^", "").replace("$", "")  # regex anchors of includes
        for name, value in kwargs.items():
            text = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), text)
        return "/" + text


def routes() -> list[Route]:
    def walk(patterns, prefix: str, namespaces: tuple) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = (*namespaces, p.namespace) if p.namespace else namespaces
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                name = ":".join((*namespaces, p.name)) if p.name else None
                yield Route(name=name, route=prefix + str(p.pattern))

    return list(walk(get_resolver().url_patterns, "", ()))


# --- Filling each pattern with real ids -----------------------------------------------------


def project_fillers(o: DemoObjects) -> dict[str, list[dict]]:
    """The portal's own patterns with parameters, each with every kind of object it opens."""
    agencies = [{"agency_id": a} for a in sorted(set(o.agencies.values()))]
    tasks = [{"agency_id": a, "pk": t} for a, t in sorted(set(o.tasks.values()))]
    task_pks = [{"pk": kw["pk"]} for kw in tasks]
    # A link is shown on its task's page; only a file is a download.
    evidence = [{"agency_id": a, "pk": pk} for a, pk in [o.evidence["file"]]]
    extensions = [{"pk": pk} for pk in o.extensions.values()]
    reports = [{"pk": pk} for pk in o.reports.values()]
    notices = [{"pk": pk} for pk in o.notices.values()]
    return {
        "tracking:agency_detail": agencies,
        "tracking:agency_task_detail": tasks,
        "tracking:agency_task_row": tasks,
        "tracking:evidence_add": tasks,
        "tracking:extension_request_new": tasks,
        "tracking:evidence_download": evidence,
        "tracking:extension_list": agencies,
        "deployments:list": agencies,
        "deployments:create": agencies,
        "deployments:edit": [{"agency_id": a, "pk": pk} for a, pk in o.deployments],
        "deployments:endpoints": agencies,
        "clearinghouse:remediation_list": agencies,
        "clearinghouse:remediation_mark": agencies,
        "reports:report_detail": reports,
        "reports:report_status": reports,
        # A queued report has no file yet: only the finished one is a download to open.
        "reports:report_download": [{"pk": o.reports["agency_done"]}],
        "review:task_verify": task_pks,
        "review:task_return": task_pks,
        "review:na_accept": task_pks,
        "review:na_reject": task_pks,
        "review:extension_approve": extensions,
        "review:extension_deny": extensions,
        "notices:detail": notices,
        "notices:mark_read": notices,
    }


def _admin_model(route: Route):
    match = re.match(r"admin/(\w+)/(\w+)/", route.route)
    if not match:
        return None
    try:
        return django_apps.get_model(match[1], match[2])
    except LookupError:
        return None


def admin_fill(route: Route) -> list[dict] | None:
    """The admin's patterns, filled from the model each one serves."""
    params = set(route.parameters)
    if route.name == "admin:app_list":
        labels = sorted({m._meta.app_label for m in admin.site._registry})
        return [{"app_label": label} for label in labels]
    if route.name == "admin:view_on_site":
        ct = ContentType.objects.get_for_model(django_apps.get_model("tracking", "AgencyTask"))
        pk = ct.model_class().objects.order_by("pk").values_list("pk", flat=True).first()
        return [{"content_type_id": ct.pk, "object_id": pk}]
    if params == {"url"}:  # the catch-all that answers unknown admin paths
        return [{"url": "no-such-page/"}]
    model = _admin_model(route)
    if model is None or not params <= {"object_id", "id"}:
        return None
    pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return [dict.fromkeys(params, pk if pk is not None else MISSING_ID)]


def fill(route: Route, fillers: dict[str, list[dict]]) -> list[dict] | None:
    """The kwargs sets to open `route` with; None when the sweep does not know how."""
    if not route.parameters:
        return [{}]
    if route.key in fillers:
        return fillers[route.key]
    if route.route.startswith("admin/"):
        return admin_fill(route)
    return None


def swept_urls(objects: DemoObjects) -> list[tuple[Route, str]]:
    fillers = project_fillers(objects)
    urls = []
    for route in routes():
        for kwargs in fill(route, fillers) or []:
            url = route.url(kwargs)
            urls.append((route, url))
    # Sign-out last: GET is refused today, but a sweep must never sign itself out midway.
    urls.sort(key=lambda item: item[0].key == "accounts:logout")
    return urls


# --- Requests -------------------------------------------------------------------------------


class _ReadParameters:
    """Which GET parameters a view reads: request.GET records every key looked up."""

    seen: set[str] = set()


class RecordingQueryDict(QueryDict):
    def _saw(self, key):
        _ReadParameters.seen.add(key)

    def get(self, key, default=None):
        self._saw(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._saw(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self._saw(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._saw(key)
        return super().__contains__(key)


@pytest.fixture
def recording_get(monkeypatch) -> set[str]:
    def GET(self):
        raw = self.environ.get("QUERY_STRING", "")
        return RecordingQueryDict(raw, encoding=self._encoding)

    prop = cached_property(GET)
    prop.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", prop)
    _ReadParameters.seen = set()
    return _ReadParameters.seen


@pytest.fixture
def clients(demo_db, demo_media) -> Callable[[str], Client]:
    from apps.accounts.models import User

    made: dict[str, Client] = {}

    def client_for(role: str) -> Client:
        if role not in made:
            client = Client(raise_request_exception=bool(os.environ.get("SWEEP_RAISE")))
            if role != "anonymous":
                client.force_login(User.objects.get(username=role))
            made[role] = client
        return made[role]

    return client_for


def _get(client: Client, url: str, data: dict | None = None, *, htmx: bool = False):
    """GET `url`; a download is read to its end, which closes its file (the test client
    closes a streamed response once its content is consumed)."""
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url, data or {}, headers=headers)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _opens(response) -> bool:
    """The page answered: 200, 405 (an action that only takes POST), or a redirect that is
    not to the sign-in page (home sends each role to its landing page)."""
    if response.status_code in (200, 405):
        return True
    return response.status_code == 302 and "/sign-in/" not in response.get("Location", "")


def _server_errors(responses: list[tuple[str, str, int]]) -> list[str]:
    return [f"{status} {role:<11} {url}" for role, url, status in responses if status >= 500]


# --- The tests ------------------------------------------------------------------------------


def test_every_url_pattern_is_filled(demo_db):
    fillers = project_fillers(demo_db.objects)
    unfilled = [r.key for r in routes() if not fill(r, fillers)]
    assert not unfilled, (
        "The page sweep cannot open these URL patterns; add each to project_fillers() with "
        f"the ids of every kind of object it shows: {unfilled}"
    )
    stale = set(fillers) - {r.key for r in routes()}
    assert not stale, f"project_fillers() names patterns that no longer exist: {stale}"


@pytest.mark.parametrize("role", [*ROLES, ADMIN])
def test_no_page_answers_a_server_error(role, clients, demo_db):
    client = clients(role)
    answered = []
    for route, url in swept_urls(demo_db.objects):
        assert resolve(url).route == route.route.replace("^", ""), url
        answered.append((role, url, _get(client, url).status_code))
        if not route.route.startswith("admin/"):
            answered.append((role, url + " [htmx]", _get(client, url, htmx=True).status_code))
    errors = _server_errors(answered)
    assert not errors, f"{len(errors)} of {len(answered)} requests answered 5xx:\n" + "\n".join(
        errors
    )
    # Guard against a vacuous sweep: a signed-in role reaches real pages with these ids.
    if role != "anonymous":
        assert sum(1 for *_, status in answered if status == 200) >= 10


def test_every_page_opens_for_some_role(clients, demo_db):
    """Each filled URL opens (`_opens`) for at least one role: the sweep's ids are real
    objects the pages show, not ids that 404 for everyone."""
    unopened = []
    for route, url in swept_urls(demo_db.objects):
        if route.route.startswith("admin/"):
            continue
        responses = [_get(clients(role), url) for role in (*ROLES, ADMIN)]
        if not any(_opens(r) for r in responses):
            unopened.append(f"{url} {sorted({r.status_code for r in responses})}")
    assert not unopened, "No role opens these URLs:\n" + "\n".join(unopened)


def _reader_of(url: str, clients) -> Client | None:
    """The first role that opens `url` (200), most privileged first. The request carries a
    parameter no page reads, so that filter forms bound to a non-empty query string read
    every field they have (recorded by `recording_get`)."""
    for role in ("oversight", "ciso", "ciso-nasa", "ciso-faa", "ciso-ssa", "leadership"):
        client = clients(role)
        if _get(client, url, {"_sweep": "1"}).status_code == 200:
            return client
    return None


def test_bad_query_values_never_answer_a_server_error(clients, demo_db, recording_get):
    """The portal's own pages (the admin's query handling is Django's), one URL per pattern:
    the kinds of object a pattern opens differ in their data, not in the parameters read."""
    answered = []
    params_total = 0
    done = set()
    for route, url in swept_urls(demo_db.objects):
        if route.route.startswith("admin/") or route.key in done:
            continue
        recording_get.clear()
        client = _reader_of(url, clients)
        if client is None:
            continue
        done.add(route.key)
        params = sorted((recording_get - {"_sweep"}) | set(PARAM_NAMES_ALWAYS))
        params_total += len(params)
        for param in params:
            for value in BAD_VALUES:
                response = _get(client, url, {param: value})
                answered.append(("reader", f"{url}?{param}={value[:40]!r}", response.status_code))
    errors = _server_errors(answered)
    assert not errors, f"{len(errors)} of {len(answered)} requests answered 5xx:\n" + "\n".join(
        errors
    )
    # The pages read their filters: the sweep saw them (not a sweep of nothing).
    assert params_total > 20
