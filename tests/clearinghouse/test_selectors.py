import pytest

from apps.clearinghouse.selectors import (
    RemediationFilters,
    remediation_counts_for_agency,
    remediation_list_for_agency,
    vulnerability_products,
    vulnerability_vendors,
)
from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import RemediationFactory

pytestmark = pytest.mark.django_db


def _cves(agency, today, **filters):
    rows = remediation_list_for_agency(
        agency=agency, filters=RemediationFilters(**filters), today=today
    )
    return [v.cve_id for v in rows]


def test_each_entry_carries_this_agencys_status_and_no_one_elses(agency, catalog, today):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="remediated",
                       resolved_on=today, note="Done")  # fmt: skip
    other = AgencyFactory()
    RemediationFactory(agency=other, vulnerability=catalog["fortios"], status="not_affected")

    rows = {
        v.cve_id: v
        for v in remediation_list_for_agency(
            agency=agency, filters=RemediationFilters(), today=today
        )
    }

    assert len(rows) == 4  # the whole catalog, assessed or not
    assert rows["CVE-2026-1001"].agency_status == "remediated"
    assert rows["CVE-2026-1001"].agency_resolved_on == today
    assert rows["CVE-2026-1001"].agency_note == "Done"
    assert rows["CVE-2026-1003"].agency_status == "not_assessed"  # other agency's row ignored
    assert rows["CVE-2026-1003"].is_overdue
    assert not rows["CVE-2026-1001"].is_overdue  # past due but remediated
    assert not rows["CVE-2026-1002"].is_overdue  # due later


def test_default_order_is_newest_added_first(agency, catalog, today):
    assert _cves(agency, today) == [
        "CVE-2026-1004",
        "CVE-2026-1002",
        "CVE-2026-1003",
        "CVE-2026-1001",
    ]
    assert _cves(agency, today, sort="cve")[0] == "CVE-2026-1001"


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("cve-2026-1003", ["CVE-2026-1003"]),  # CVE ID, any case
        ("fortinet", ["CVE-2026-1003"]),  # vendor
        ("sharepoint", ["CVE-2026-1002"]),  # product
        ("authentication bypass", ["CVE-2026-1004"]),  # name
        ("microsoft", ["CVE-2026-1002", "CVE-2026-1001"]),
        ("nothing-like-this", []),
    ],
)
def test_search_looks_at_cve_vendor_product_and_name(agency, catalog, today, term, expected):
    assert _cves(agency, today, q=term) == expected


def test_filters(agency, catalog, today):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="affected")
    RemediationFactory(agency=agency, vulnerability=catalog["ivanti"], status="not_affected")

    assert _cves(agency, today, vendor="Microsoft") == ["CVE-2026-1002", "CVE-2026-1001"]
    assert _cves(agency, today, vendor="Microsoft", product="SharePoint") == ["CVE-2026-1002"]
    assert _cves(agency, today, ransomware=True) == ["CVE-2026-1001"]
    # Overdue: past due and still open (affected, or not assessed at all).
    assert _cves(agency, today, overdue=True) == ["CVE-2026-1003", "CVE-2026-1001"]
    assert _cves(agency, today, status="not_assessed") == ["CVE-2026-1002", "CVE-2026-1003"]
    assert _cves(agency, today, status="not_affected") == ["CVE-2026-1004"]
    assert _cves(agency, today, status="affected", overdue=True, ransomware=True) == [
        "CVE-2026-1001"
    ]


def test_counts_cover_the_whole_catalog(agency, catalog, today):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="mitigated",
                       resolved_on=today)  # fmt: skip
    RemediationFactory(agency=agency, vulnerability=catalog["ivanti"], status="affected")
    RemediationFactory(agency=AgencyFactory(), vulnerability=catalog["fortios"],
                       status="remediated", resolved_on=today)  # fmt: skip

    counts = remediation_counts_for_agency(agency=agency, today=today)

    assert counts.total == 4
    assert counts.not_assessed == 2
    assert counts.overdue == 1  # fortios: past due, not assessed here
    assert (counts.mitigated, counts.affected, counts.remediated) == (1, 1, 0)
    assert counts.resolved == 1


def test_vendor_and_product_menus(catalog):
    assert vulnerability_vendors() == ["Fortinet", "Ivanti", "Microsoft"]
    assert vulnerability_products(vendor="Microsoft") == ["Exchange Server", "SharePoint"]
    assert vulnerability_products(vendor="") == []


def test_filters_reuse_the_one_join_to_the_agencys_rows(agency, catalog, today):
    """Every filter reads the annotations, so the agency's rows are joined once (a second
    filter() across the relation would join them again per call)."""
    filters = RemediationFilters(q="x", status="affected", overdue=True, ransomware=True)
    qs = remediation_list_for_agency(agency=agency, filters=filters, today=today)
    sql = str(qs.query)
    assert sql.count("JOIN") == 1
    assert f'mine."agency_id" = {agency.pk}' in sql
