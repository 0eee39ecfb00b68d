"""Query counts of the remediation page: the same with 3 and with 30 entries (no query per
row), after a warm-up request. The agency's status comes from one LEFT JOIN in the page
query, never from a query per entry."""

import pytest
from django.urls import reverse

from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import RemediationFactory, VulnerabilityFactory

pytestmark = pytest.mark.django_db

# session, user, the header's notice count, agency, directive (clock), vendors, counts,
# paginator count, page rows
LIST_QUERIES = 9
# the same plus the chosen vendor's products
LIST_WITH_VENDOR_QUERIES = 10
# htmx redraws the results region only, which shows no clock and no header: no directive
# query, no notice count.
LIST_HTMX_QUERIES = LIST_QUERIES - 2
# The htmx bulk mark: session, user, agency (editor check); savepoint, agency lock, catalog
# check, rows to lock, insert new rows, update changed rows, insert audit rows, release; then
# the results region (vendors, counts, paginator count, page rows; no clock).
MARK_HTMX_QUERIES = 15


def _catalog(agency, n):
    other = AgencyFactory()
    vulns = VulnerabilityFactory.create_batch(n, vendor_project="Example Vendor")
    for i, vuln in enumerate(vulns):
        if i % 3:
            RemediationFactory(agency=agency, vulnerability=vuln, status="affected")
        RemediationFactory(agency=other, vulnerability=vuln, status="not_affected")
    return vulns


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, LIST_QUERIES),
        ({"q": "example", "overdue": "on", "status": "affected"}, LIST_QUERIES),
        ({"vendor": "Example Vendor"}, LIST_WITH_VENDOR_QUERIES),
    ],
)
def test_list_queries_do_not_grow_with_rows(
    client, agency, ciso, rows, query, expected, django_assert_num_queries
):
    _catalog(agency, rows)
    client.force_login(ciso)
    url = reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk})
    assert client.get(url, query).status_code == 200  # warm-up
    with django_assert_num_queries(expected):
        response = client.get(url, query)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_htmx_list_queries_skip_the_clock(client, agency, ciso, rows, django_assert_num_queries):
    _catalog(agency, rows)
    client.force_login(ciso)
    url = reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk})
    assert client.get(url, {"overdue": "on"}, HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_num_queries(LIST_HTMX_QUERIES):
        response = client.get(url, {"overdue": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="live-status"' in response.content.decode()  # the results region only


@pytest.mark.parametrize("rows", [3, 30])
def test_read_only_list_queries_match(client, agency, leadership, rows, django_assert_num_queries):
    _catalog(agency, rows)
    client.force_login(leadership)
    url = reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk})
    assert client.get(url).status_code == 200
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_bulk_mark_queries_do_not_grow_with_the_selection(
    client, agency, ciso, rows, django_assert_num_queries
):
    vulns = _catalog(agency, rows)
    client.force_login(ciso)
    url = reverse("clearinghouse:remediation_mark", kwargs={"agency_id": agency.pk})
    client.get(reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk}))
    data = {"vulnerabilities": [v.pk for v in vulns], "status": "not_affected", "filters": ""}
    with django_assert_num_queries(MARK_HTMX_QUERIES):
        response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
