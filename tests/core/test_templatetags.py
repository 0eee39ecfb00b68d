from apps.core.templatetags.portal import pct, ratio


def test_an_index_is_truncated_so_a_value_under_a_threshold_never_reads_as_it():
    assert ratio(0.748) == "0.74"
    assert ratio(1.0) == "1.00"
    assert ratio(1.239) == "1.23"
    assert ratio(None) == "—"


def test_fractions_read_as_percentages():
    assert pct(0.423) == "42%"
    assert pct(None) == "—"
