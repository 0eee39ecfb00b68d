import re
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.clearinghouse.models import Remediation
from tests.clearinghouse.factories import RemediationFactory, VulnerabilityFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _list(agency):
    return reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk})


def _mark(agency):
    return reverse("clearinghouse:remediation_mark", kwargs={"agency_id": agency.pk})


def test_the_page_lists_entries_with_status_due_dates_and_counts(client, agency, ciso, catalog):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="affected")
    client.force_login(ciso)

    response = client.get(_list(agency))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vulnerability remediation" in html
    for vuln in catalog.values():
        assert vuln.cve_id in html
    assert "Standing across all 4 catalog entries" in html
    assert html.count(">Overdue</span>") == 2  # exchange (affected), fortios (not assessed)
    assert 'name="vulnerabilities"' in html
    assert "Apply to selected" in html


@pytest.mark.parametrize("who", ["leadership", "oversight"])
def test_read_only_roles_see_no_marking_controls(request, client, agency, catalog, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_list(agency))
    assert response.status_code == 200
    html = response.content.decode()
    assert "CVE-2026-1001" in html
    assert 'name="vulnerabilities"' not in html
    assert "Apply to selected" not in html


def test_filters_narrow_the_list(client, agency, ciso, catalog):
    client.force_login(ciso)
    html = client.get(_list(agency), {"vendor": "Microsoft", "ransomware": "on"}).content.decode()
    assert "CVE-2026-1001" in html
    assert "CVE-2026-1002" not in html
    assert '<option value="Exchange Server"' in html  # products of the chosen vendor
    assert "matching the filters" in html


def test_a_bad_filter_value_is_dropped_not_fatal(client, agency, ciso, catalog):
    client.force_login(ciso)
    response = client.get(_list(agency), {"vendor": "No Such Vendor", "status": "bogus"})
    assert response.status_code == 200
    assert "CVE-2026-1004" in response.content.decode()


def test_fifty_entries_a_page(client, agency, ciso):
    VulnerabilityFactory.create_batch(51)
    client.force_login(ciso)
    first = client.get(_list(agency)).content.decode()
    assert first.count('name="vulnerabilities"') == 50
    assert "Page 1 of 2" in first
    second = client.get(_list(agency), {"page": 2}).content.decode()
    assert second.count('name="vulnerabilities"') == 1
    assert "Page 2 of 2" in second
    assert 'name="filters" value="page=2"' in second  # marking returns to this page


def test_htmx_filtering_returns_only_the_results_region(client, agency, ciso, catalog):
    client.force_login(ciso)
    response = client.get(_list(agency), {"q": "fortios"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "CVE-2026-1003" in html
    assert "CVE-2026-1001" not in html
    assert 'id="live-status" hx-swap-oob="innerHTML"' in html
    assert "Showing 1 to 1 of 1 entries." in html


def test_htmx_vendor_change_redraws_the_product_menu(client, agency, ciso, catalog):
    client.force_login(ciso)
    response = client.get(
        _list(agency), {"vendor": "Microsoft"}, HTTP_HX_TRIGGER="id_vendor", **HTMX
    )
    html = response.content.decode()
    assert 'id="product-field"' in html
    assert '<option value="SharePoint"' in html


def test_bulk_marking_without_javascript_redirects_back_to_the_same_filters(
    client, agency, ciso, catalog, today
):
    client.force_login(ciso)
    data = {
        "vulnerabilities": [catalog["exchange"].pk, catalog["fortios"].pk],
        "status": "remediated",
        "resolved_on": today.isoformat(),
        "note": "",
        "filters": "overdue=on&sort=due",
    }
    response = client.post(_mark(agency), data)

    assert response.status_code == 302
    assert response.url == f"{_list(agency)}?overdue=on&sort=due"
    assert Remediation.objects.filter(agency=agency, status="remediated").count() == 2
    assert AuditEvent.objects.filter(object_type="remediation").count() == 2
    html = client.get(response.url).content.decode()
    assert "Marked 2 entries as remediated." in html
    assert "No entries match these filters." in html  # nothing overdue is left


def test_bulk_marking_with_htmx_returns_the_updated_region(client, agency, ciso, catalog):
    client.force_login(ciso)
    data = {"vulnerabilities": [catalog["ivanti"].pk], "status": "not_affected", "filters": ""}
    response = client.post(_mark(agency), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Marked 1 entry as not affected." in html
    assert "<html" not in html
    assert Remediation.objects.get(agency=agency).status == "not_affected"


def test_a_refused_mark_shows_why_and_keeps_the_selection(client, agency, ciso, catalog, today):
    client.force_login(ciso)
    data = {
        "vulnerabilities": [catalog["exchange"].pk],
        "status": "mitigated",
        "resolved_on": (today + timedelta(days=3)).isoformat(),
        "filters": "",
    }
    response = client.post(_mark(agency), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "is in the future" in html
    assert 'aria-invalid="true"' in html
    assert re.search(rf'value="{catalog["exchange"].pk}"[^>]*\bchecked\b', html)
    assert not Remediation.objects.exists()

    htmx = client.post(_mark(agency), data, **HTMX)
    assert htmx.status_code == 422  # swapped by the portal's htmx config
    assert "is in the future" in htmx.content.decode()


def test_marking_nothing_is_refused(client, agency, ciso, catalog):
    client.force_login(ciso)
    response = client.post(_mark(agency), {"status": "affected", "filters": ""})
    assert response.status_code == 422
    assert "Select at least one entry to mark." in response.content.decode()


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "method", "headers"),
    [
        (_list, "get", {}),
        (_list, "get", HTMX),  # the results fragment
        (_mark, "post", {}),
        (_mark, "post", HTMX),
    ],
)
def test_another_agencys_ciso_gets_404(client, agency, other_ciso, catalog, url, method, headers):
    client.force_login(other_ciso)
    data = {"vulnerabilities": [catalog["exchange"].pk], "status": "affected", "filters": ""}
    response = getattr(client, method)(url(agency), data, **headers)
    assert response.status_code == 404
    assert not Remediation.objects.exists()


@pytest.mark.parametrize("who", ["leadership", "oversight"])
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_read_only_roles_cannot_mark(request, client, agency, catalog, who, headers):
    client.force_login(request.getfixturevalue(who))
    data = {"vulnerabilities": [catalog["exchange"].pk], "status": "affected", "filters": ""}
    assert client.post(_mark(agency), data, **headers).status_code == 403
    assert not Remediation.objects.exists()
    assert not AuditEvent.objects.exists()
