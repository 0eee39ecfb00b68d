from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from apps.portal.formatting import deadline, pct, ratio
from apps.portal.templatetags.portal import extension_badge, page_url, status_badge


def test_an_index_is_truncated_so_a_value_under_a_threshold_never_reads_as_it():
    assert ratio(0.748) == "0.74"
    assert ratio(1.0) == "1.00"
    assert ratio(1.239) == "1.23"
    assert ratio(None) == "—"


def test_fractions_read_as_percentages():
    assert pct(0.423) == "42%"
    assert pct(None) == "—"


def test_a_page_url_keeps_the_query_and_sets_the_page():
    assert page_url("", "", 2) == "?page=2"
    assert page_url("/agencies/1/vulnerabilities/", "q=a+b&status=x", 3) == (
        "/agencies/1/vulnerabilities/?q=a+b&status=x&page=3"
    )


def test_the_pagination_links_work_without_htmx_and_add_it_only_with_a_target():
    page = Paginator(list(range(30)), 10).get_page(2)
    plain = render_to_string(
        "partials/_pagination.html", {"page": page, "query": "a=1", "label": "Pages"}
    )
    assert 'aria-label="Pages"' in plain
    assert 'href="?a=1&amp;page=1"' in plain
    assert 'href="?a=1&amp;page=3"' in plain
    assert 'aria-current="page"' in plain
    assert "hx-get" not in plain
    swapped = render_to_string(
        "partials/_pagination.html", {"page": page, "label": "Pages", "target": "#results"}
    )
    assert 'hx-get="?page=3" hx-target="#results" hx-push-url="true"' in swapped


def test_badges_read_the_labels_of_the_model_choices():
    assert ">Not applicable</span>" in status_badge("not_applicable")
    assert ">Approved</span>" in extension_badge("approved")


def test_a_deadline_reads_in_the_directive_zone_by_default():
    assert deadline(datetime(2026, 12, 28, 4, 59, tzinfo=UTC)) == "Dec 27, 11:59 PM ET"


def test_truncation_is_not_fooled_by_binary_fractions():
    assert ratio(0.29) == "0.29"
    assert ratio(1.02) == "1.02"
    assert ratio(0.7499999) == "0.74"
