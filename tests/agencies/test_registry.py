import json

from apps.agencies.registry import clean_name, parse_registry
from apps.core.fixtures import read_fixture

AGENCIES = (
    "Agency,Bureau\r\nDepartment of Widgets,Widget Office    , \r\n"
    "Department of Widgets,\r\nSenate,\r\nMilitary Retirement,\r\nSmall Board,\r\n"
)
FEDERAL = (
    "Domain name,Domain type,Organization name,Suborganization name,City,State,"
    "Security contact email\n"
    "a.gov,Federal - Executive,Department of Widgets,,,,\n"
    "b.gov,Federal - Legislative,Senate,,,,\n"
    "c.gov,Federal - Executive,Space Agency,,,,\n"
    "d.gov,Federal - Judicial,Court of Things,,,,\n"
)  # fmt: skip
ECFR = json.dumps(
    {"agencies": [{"name": "Widgets Department", "display_name": "Department of Widgets",
                   "short_name": "DOW",
                   "children": [{"name": "Widget Office", "short_name": "WO"}]}]}
)  # fmt: skip


def _curation():
    curation = json.loads(read_fixture("agency_curation.json"))
    curation["cfo_act"]["names"] = ["Department of Widgets"]
    return json.dumps(curation)


def test_names_are_cleaned_of_padding_and_stray_commas():
    assert clean_name("Department of State    , ") == "Department of State"


def test_the_registry_becomes_executive_agencies_with_bureaus_and_abbreviations():
    records = parse_registry(
        agencies_csv=AGENCIES, federal_csv=FEDERAL, ecfr_json=ECFR, curation_json=_curation()
    )
    by_name = {r.name: r for r in records}
    assert set(by_name) == {"Department of Widgets", "Small Board", "Space Agency"}
    widgets = by_name["Department of Widgets"]
    assert widgets.abbreviation == "DOW"
    assert widgets.cfo_act
    assert [(b.name, b.abbreviation) for b in widgets.bureaus] == [("Widget Office", "WO")]
    assert by_name["Small Board"].abbreviation == ""  # none in eCFR: left blank, not invented
    assert by_name["Space Agency"].bureaus == ()
