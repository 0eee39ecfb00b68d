import json

import pytest
from django.core.management import CommandError, call_command

from apps.clearinghouse.models import FeedImport, Vulnerability
from apps.core.fixtures import fixture_path
from tests.directives.factories import DirectiveFactory

pytestmark = pytest.mark.django_db

KEV = fixture_path("known_exploited_vulnerabilities.json")


@pytest.fixture
def catalog():
    return json.loads(KEV.read_text())


@pytest.fixture
def imported():
    call_command("import_kev", str(KEV))
    return {v.cve_id: (v.product, v.due_date) for v in Vulnerability.objects.all()}


def _write(tmp_path, document, name="kev.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_import_creates_every_entry_then_is_idempotent(capsys):
    call_command("import_kev", str(KEV))
    assert Vulnerability.objects.count() == 1674
    assert "1674 entries (1674 new, 0 updated)" in capsys.readouterr().out
    call_command("import_kev", str(KEV))
    assert "(0 new, 0 updated)" in capsys.readouterr().out
    cve = Vulnerability.objects.get(cve_id="CVE-2026-73570")
    assert cve.vendor_project == "Synacor"
    assert str(cve.due_date) == "2026-08-24"


def test_a_changed_entry_is_updated_in_place(tmp_path, catalog, imported, capsys):
    catalog["vulnerabilities"][0]["product"] = "Renamed Product"
    call_command("import_kev", _write(tmp_path, catalog))
    assert "(0 new, 1 updated)" in capsys.readouterr().out
    assert Vulnerability.objects.get(cve_id=catalog["vulnerabilities"][0]["cveID"]).product == (
        "Renamed Product"
    )


def test_a_truncated_file_changes_nothing_and_fails(tmp_path, imported):
    path = tmp_path / "truncated.json"
    path.write_bytes(KEV.read_bytes()[:500_000])
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_kev", str(path))
    assert {v.cve_id: (v.product, v.due_date) for v in Vulnerability.objects.all()} == imported
    failed = FeedImport.objects.get(status=FeedImport.Status.FAILED)
    assert "not valid JSON" in failed.error


def test_a_schema_invalid_entry_names_the_entry_and_field(tmp_path, catalog, imported):
    catalog["vulnerabilities"][12]["dueDate"] = "next Tuesday"
    catalog["vulnerabilities"][0]["product"] = "Would change if accepted"
    cve = catalog["vulnerabilities"][12]["cveID"]
    with pytest.raises(CommandError) as excinfo:
        call_command("import_kev", _write(tmp_path, catalog))
    message = str(excinfo.value)
    assert "entry 12 field dueDate" in message
    assert cve in message
    assert "nothing changed" in message
    assert {v.cve_id: (v.product, v.due_date) for v in Vulnerability.objects.all()} == imported


def test_a_missing_required_field_and_a_wrong_count_are_refused(tmp_path, catalog, imported):
    del catalog["vulnerabilities"][3]["cveID"]
    with pytest.raises(CommandError, match=r"entry 3.*'cveID' is a required property"):
        call_command("import_kev", _write(tmp_path, catalog))
    fresh = json.loads(KEV.read_text())
    fresh["vulnerabilities"].pop()
    with pytest.raises(CommandError, match="count=1674 but holds 1673"):
        call_command("import_kev", _write(tmp_path, fresh, "short.json"))
    assert Vulnerability.objects.count() == 1674


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot read the feed"):
        call_command("import_kev", "/nonexistent/kev.json")


def test_an_import_that_changes_the_catalog_recomputes_the_fleet_once_committed(
    tmp_path, catalog, imported, django_capture_on_commit_callbacks, monkeypatch
):
    recomputed = []
    monkeypatch.setattr(
        "apps.clearinghouse.services.readiness_recompute",
        lambda **kwargs: recomputed.append(kwargs["directive"]),
    )
    directive = DirectiveFactory()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_kev", str(KEV))  # nothing new: nothing to recompute
    assert recomputed == []

    catalog["vulnerabilities"][0]["dueDate"] = "2030-01-01"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_kev", _write(tmp_path, catalog))
    assert recomputed == [directive]


def test_an_import_before_any_directive_has_nothing_to_recompute(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("import_kev", str(KEV))
    assert len(callbacks) == 1  # ran, and found no directive to recompute
    assert Vulnerability.objects.count() == 1674
