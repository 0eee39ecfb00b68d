"""The fleet dashboard and the department roll-up: content, scoping and query counts."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.agencies.models import Agency
from apps.directives.selectors import directive_schedule
from apps.readiness.dashboard import fleet_picture
from apps.readiness.models import AgencyReadiness
from apps.readiness.selectors import rollup_by_department
from tests.accounts.factories import CisoFactory, LeadershipFactory, OversightFactory
from tests.agencies.factories import AgencyFactory, BureauFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("readiness:fleet_dashboard")
ROLLUP = reverse("readiness:department_rollup")


def figures(world, agencies, ratings=("red", "amber", "green")):
    now = timezone.now()
    AgencyReadiness.objects.bulk_create(
        AgencyReadiness(
            agency=agency, directive=world.directive, computed_at=now, day_number=12,
            ev=0.2 + (i % 7) / 10, pv=0.45, spi=(0.2 + (i % 7) / 10) / 0.45,
            rating=ratings[i % len(ratings)], earned_weight=(0.2 + (i % 7) / 10) * 10,
            planned_weight=4.5, weight_total=10, tasks_overdue=i % 3, kev_overdue=i,
            ai_coverage=0.5, milestone_states={"M1": "met", "M2": "at_risk"},
        )
        for i, agency in enumerate(agencies)
    )  # fmt: skip


def fleet(world, n):
    department = DepartmentFactory(name="Department of Examples", abbreviation="DOE-X")
    units = [BureauFactory(parent=department) for _ in range(n // 2)]
    units += [AgencyFactory() for _ in range(n - len(units))]
    figures(world, units)
    return department, units


@pytest.fixture
def oversight_client(client):
    client.force_login(OversightFactory())
    return client


def test_the_dashboard_shows_the_fleet_kpis_charts_and_agency_table(world, oversight_client):
    _, units = fleet(world, 6)
    response = oversight_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    picture = fleet_picture(
        directive=world.directive, schedule=directive_schedule(directive=world.directive),
        now=timezone.now(),
    )  # fmt: skip
    assert re.search(rf'data-kpi="ev">\s*{picture.overview.ev:.0%}', html)
    assert picture.overview.agencies == 6
    assert (picture.overview.red, picture.overview.amber, picture.overview.green) == (2, 2, 2)
    # Fleet EV is the weighted sum: (0.2+0.3+…+0.7)*10 / 60
    assert picture.overview.ev == pytest.approx(sum(0.2 + i / 10 for i in range(6)) / 6)
    assert "of 30" in html  # the clock banner
    assert "Burn-up" in html
    assert "<svg" in html
    assert 'data-kpi="ev"' in html
    for unit in units:
        assert unit.name in html
    assert picture.heat_summary[0].code == "M1"
    assert {s.key: n for s, n in picture.heat_summary[0].counts}["met"] == 6


def _table(client, **params):
    response = client.get(DASHBOARD, params, headers={"HX-Request": "true",
                                                      "HX-Target": "agency-table"})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'<th scope="row">\s*<a href="/agencies/(\d+)/">', html)
    return html, [int(n) for n in names]


def test_the_agency_table_filters_sorts_searches_and_paginates(world, oversight_client):
    department, units = fleet(world, 60)
    ratings = dict(AgencyReadiness.objects.values_list("agency_id", "rating"))
    evs = dict(AgencyReadiness.objects.values_list("agency_id", "ev"))
    html, red = _table(oversight_client, rating="red")
    assert "20 agencies" in html
    assert {ratings[a] for a in red} == {"red"}
    html, ids = _table(oversight_client, department=department.pk)
    assert "30 agencies" in html
    assert set(ids) <= {u.pk for u in units[:30]}
    _, ids = _table(oversight_client, q=units[0].name)
    assert ids == [units[0].pk]
    _, ids = _table(oversight_client, sort="-ev")
    assert [evs[a] for a in ids] == sorted((evs[a] for a in ids), reverse=True)
    _, ids = _table(oversight_client)
    assert [ratings[a] for a in ids][:20] == ["red"] * 20
    html, ids = _table(oversight_client, page=2)
    assert "page 2 of 2" in html
    assert len(ids) == 10


def test_the_full_page_and_the_fragment_show_the_same_table(world, oversight_client):
    fleet(world, 4)
    page = oversight_client.get(DASHBOARD, {"rating": "amber"}).content.decode()
    fragment, ids = _table(oversight_client, rating="amber")
    assert "<html" not in fragment
    assert len(ids) == 1
    assert fragment.strip() in page


def test_a_recompute_shows_at_once_despite_the_cache(world, oversight_client):
    _, units = fleet(world, 3)
    assert "3 agencies" in oversight_client.get(DASHBOARD).content.decode()
    AgencyReadiness.objects.filter(agency=units[0]).update(
        rating="green", computed_at=timezone.now()
    )
    html = oversight_client.get(DASHBOARD).content.decode()
    assert re.search(r'rating-count-green">\s*2\s*<', html)
    assert "3 agencies" in html


@pytest.mark.parametrize("url", [DASHBOARD, ROLLUP])
def test_cisos_get_404_and_leadership_reads(world, client, url):
    fleet(world, 3)
    client.force_login(CisoFactory())
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    client.force_login(LeadershipFactory())
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [DASHBOARD, ROLLUP])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_rollup_sums_each_department_and_lists_its_bureaus(world, oversight_client):
    department, units = fleet(world, 8)
    response = oversight_client.get(ROLLUP)
    assert response.status_code == 200
    groups = {g.label: g for g in rollup_by_department(directive=world.directive)}
    dept = groups[department.display_name]
    assert dept.overview.agencies == 4
    expected_ev = sum(0.2 + i / 10 for i in range(4)) / 4
    assert dept.overview.ev == pytest.approx(expected_ev)
    assert groups["Independent agencies"].overview.agencies == 4
    html = response.content.decode()
    assert f"{expected_ev:.0%}" in html
    assert "4 bureaus of Department of Examples (DOE-X)" in html
    for unit in units:
        assert unit.name in html


def _queries(client, url, *, cold):
    if cold:
        cache.clear()  # as right after a recompute: nothing rendered yet
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [DASHBOARD, f"{DASHBOARD}?rating=red&sort=-ev", ROLLUP])
def test_query_counts_stay_the_same_with_50_and_500_agencies(world, oversight_client, url):
    fleet(world, 50)
    oversight_client.get(url)  # warm-up (session)
    cold_50, warm_50 = (
        _queries(oversight_client, url, cold=True),
        _queries(oversight_client, url, cold=False),
    )
    figures(world, Agency.objects.bulk_create(AgencyFactory.build() for _ in range(450)))
    cold_500, warm_500 = (
        _queries(oversight_client, url, cold=True),
        _queries(oversight_client, url, cold=False),
    )
    assert cold_50 == cold_500 <= 15
    assert warm_50 == warm_500 < cold_500
