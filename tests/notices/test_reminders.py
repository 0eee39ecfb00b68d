from datetime import date, timedelta

import pytest
from django.core.management import call_command

from apps.notices.models import Notice
from apps.notices.services import reminders_send
from apps.readiness.services import readiness_recompute
from apps.tracking.models import AgencyTask
from tests.accounts.factories import CisoFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import RemediationFactory
from tests.tracking.factories import AgencyTaskFactory
from tests.world import et

pytestmark = pytest.mark.django_db

MORNING = et(2026, 11, 27, 8)  # day 12: M1 (Nov 22) is past, M2 (Nov 29) is due in 2 days


@pytest.fixture
def people(world):
    ciso = CisoFactory(agency=world.agency, email="ciso@agency.example")
    other_ciso = CisoFactory(agency=AgencyFactory(), email="other@agency.example")
    oversight = OversightFactory(email="oversight@portal.example")
    rows = {
        "overdue": AgencyTaskFactory(agency=world.agency, task=world.t1, status="in_progress",
                                     percent=40),
        "due_soon": AgencyTaskFactory(agency=world.agency, task=world.t2),
        "returned": AgencyTaskFactory(agency=world.agency, task=world.t3, status="in_progress",
                                      returned_at=MORNING - timedelta(hours=20),
                                      return_comment="Evidence does not cover all sites."),
        # The KEV task is derived: every entry remediated makes it done.
        "done": AgencyTaskFactory(agency=world.agency, task=world.t4),
    }  # fmt: skip
    for vuln in world.vulns:
        RemediationFactory(agency=world.agency, vulnerability=vuln, status="remediated",
                           resolved_on=date(2026, 11, 20))  # fmt: skip
    return ciso, other_ciso, oversight, rows


def test_cisos_hear_of_due_and_overdue_tasks_and_oversight_of_red_agencies(
    world, people, mailoutbox, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.gov/"
    ciso, other_ciso, oversight, rows = people
    readiness_recompute(directive=world.directive, now=MORNING - timedelta(hours=1))  # red
    result = reminders_send(directive=world.directive, now=MORNING)

    kinds = set(Notice.objects.filter(user=ciso).values_list("item_key", "kind"))
    # The returned task (T3, of M2) is reminded by its due date like any other; its return
    # was news when it happened (agency_task_return told the CISO then, test_events.py).
    assert kinds == {
        (f"agencytask:{rows['overdue'].pk}", "overdue"),
        (f"agencytask:{rows['due_soon'].pk}", "due_soon"),
        (f"agencytask:{rows['returned'].pk}", "due_soon"),
    }
    assert list(Notice.objects.filter(user=oversight).values_list("item_key", "kind")) == [
        (f"agency:{world.agency.pk}", "turned_red")
    ]
    assert not Notice.objects.filter(user=other_ciso).exists()
    assert (result.logged, result.sent, result.emails) == (4, 4, 2)
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {"ciso@agency.example", "oversight@portal.example"}
    body = by_recipient["ciso@agency.example"].body
    assert "T1 is overdue (was due Nov 22, 11:59 PM ET)" in body  # in the directive's zone
    assert "returned" not in body
    # The task's own page, absolute in e-mails.
    overdue = rows["overdue"]
    assert f"https://portal.example.gov/agencies/{world.agency.pk}/tasks/{overdue.pk}/" in body
    assert "turned red" in by_recipient["oversight@portal.example"].body


def test_reminders_run_twice_send_each_notice_once(world, people, mailoutbox):
    readiness_recompute(directive=world.directive, now=MORNING - timedelta(hours=1))
    reminders_send(directive=world.directive, now=MORNING)
    sent = len(mailoutbox)
    again = reminders_send(directive=world.directive, now=MORNING + timedelta(minutes=30))
    assert (again.logged, again.sent, again.emails) == (0, 0, 0)
    assert len(mailoutbox) == sent
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0

    # The next day the same items are reminded again, once.
    reminders_send(directive=world.directive, now=MORNING + timedelta(days=1))
    assert Notice.objects.filter(day=date(2026, 11, 28)).count() == 3  # red is not new
    assert len(mailoutbox) == sent + 1


def test_a_failed_email_leaves_its_notices_for_the_retry(world, people, mailoutbox, monkeypatch):
    from apps.notices.services import delivery

    calls = []

    def flaky(user, notices):
        calls.append(user.pk)
        if len(calls) == 1:
            raise ConnectionError("mail relay down")
        real(user, notices)

    real = delivery._send
    monkeypatch.setattr(delivery, "_send", flaky)
    readiness_recompute(directive=world.directive, now=MORNING - timedelta(hours=1))  # red
    with pytest.raises(ConnectionError):
        reminders_send(directive=world.directive, now=MORNING)
    # The one address that failed does not hold up the others: they were sent.
    assert len(mailoutbox) == 1
    failed = Notice.objects.filter(sent_at__isnull=True)
    assert set(failed.values_list("user_id", flat=True)) == {calls[0]}
    retry = reminders_send(directive=world.directive, now=MORNING)
    assert retry.logged == 0
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0
    assert len(mailoutbox) == 2
    assert len(mailoutbox) == len({m.to[0] for m in mailoutbox})  # nobody twice


def test_completed_and_not_applicable_tasks_are_not_reminded(world, people):
    ciso, _, _, rows = people
    AgencyTask.objects.filter(pk=rows["due_soon"].pk).update(
        status="not_applicable", na_justification="No email domains."
    )
    readiness_recompute(directive=world.directive, now=MORNING)
    reminders_send(directive=world.directive, now=MORNING)
    keys = set(Notice.objects.filter(user=ciso).values_list("item_key", flat=True))
    assert f"agencytask:{rows['due_soon'].pk}" not in keys
    assert f"agencytask:{rows['done'].pk}" not in keys


def test_sync_schedules_declares_every_job_once(capsys):
    from django_celery_beat.models import PeriodicTask

    call_command("sync_schedules")
    call_command("sync_schedules")
    tasks = dict(PeriodicTask.objects.values_list("task", "crontab__hour"))
    assert {"readiness.recompute_fleet", "readiness.daily_snapshot",
            "clearinghouse.import_kev_feed", "notices.send_reminders", "notices.send_digest",
            "notices.deliver_pending"} <= set(tasks)  # fmt: skip
    assert tasks["notices.send_reminders"] == "8"
    assert tasks["notices.send_digest"] == "7"
    assert PeriodicTask.objects.get(task="notices.deliver_pending").interval.every == 10
    assert PeriodicTask.objects.get(task="readiness.recompute_fleet").interval.every == 15
    reminders = PeriodicTask.objects.get(task="notices.send_reminders")
    assert str(reminders.crontab.timezone) == "America/New_York"
    assert PeriodicTask.objects.filter(task="notices.send_reminders").count() == 1


def test_a_returned_task_is_reminded_by_its_due_date_only(world, people):
    ciso, _, _, rows = people
    returned = rows["returned"]
    reminders_send(directive=world.directive, now=MORNING)
    later = MORNING + timedelta(days=3)  # Nov 30: T3's milestone (Nov 29) is past

    reminders_send(directive=world.directive, now=later)

    def kinds(day) -> set[str]:
        return set(
            Notice.objects.filter(
                user=ciso, item_key=f"agencytask:{returned.pk}", day=day
            ).values_list("kind", flat=True)
        )

    assert kinds(date(2026, 11, 27)) == {"due_soon"}
    assert kinds(date(2026, 11, 30)) == {"overdue"}


def test_a_pending_not_applicable_claim_past_due_is_overdue_like_on_the_dashboards(world, people):
    ciso, _, _, rows = people
    AgencyTask.objects.filter(pk=rows["overdue"].pk).update(
        status="not_applicable", na_justification="No such systems."
    )
    reminders_send(directive=world.directive, now=MORNING)
    assert Notice.objects.get(user=ciso, item_key=f"agencytask:{rows['overdue'].pk}").kind == (
        "overdue"
    )

    # Once oversight accepts the claim the task drops out of every sum, and of the reminders.
    AgencyTask.objects.filter(pk=rows["overdue"].pk).update(na_accepted_at=MORNING)
    reminders_send(directive=world.directive, now=MORNING + timedelta(days=1))
    assert not Notice.objects.filter(
        user=ciso, item_key=f"agencytask:{rows['overdue'].pk}", day=date(2026, 11, 28)
    ).exists()
