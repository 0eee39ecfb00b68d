"""Every kind of notice reaches its recipient by e-mail once, however often its job runs,
unless they turned that kind off; either way it shows in the app."""

import pytest
from django.urls import reverse

from apps.notices.models import KINDS_BY_ROLE, Notice
from apps.notices.services import notice_email_preferences_set
from tests.notices.kinds import CASES

pytestmark = pytest.mark.django_db


def _mails_to(outbox, user) -> list:
    return [m for m in outbox if user.email in m.to]


def test_every_kind_has_a_case():
    assert set(CASES) == set(Notice.Kind.values)


@pytest.mark.parametrize("kind", Notice.Kind.values)
def test_each_kind_is_emailed_once_across_two_runs_of_its_job(
    kind, scene, mailoutbox, django_capture_on_commit_callbacks
):
    case = CASES[kind]
    recipient = case.recipient(scene)

    case.make(scene, django_capture_on_commit_callbacks)
    notices = list(Notice.objects.filter(user=recipient, kind=kind))
    assert notices, f"no {kind} notice was made"
    assert all(n.sent_at and n.emailed for n in notices)
    mails = _mails_to(mailoutbox, recipient)
    assert len(mails) == 1
    for notice in notices:
        assert notice.subject in mails[0].body

    again = case.again(recipient)

    assert again["sent"] == 0
    assert _mails_to(mailoutbox, recipient) == mails
    assert Notice.objects.filter(user=recipient, kind=kind).count() == len(notices)


@pytest.mark.parametrize("kind", Notice.Kind.values)
def test_a_kind_turned_off_is_not_emailed_but_shows_in_the_app(
    kind, scene, client, mailoutbox, django_capture_on_commit_callbacks
):
    case = CASES[kind]
    recipient = case.recipient(scene)
    keep = [k for k in KINDS_BY_ROLE[recipient.role] if k != kind]
    notice_email_preferences_set(user=recipient, email_kinds=keep)

    case.make(scene, django_capture_on_commit_callbacks)
    case.again(recipient)

    notices = list(Notice.objects.filter(user=recipient, kind=kind))
    assert notices
    assert all(n.sent_at is not None and not n.emailed for n in notices)  # settled, no e-mail
    mails = _mails_to(mailoutbox, recipient)
    for notice in notices:
        assert all(notice.subject not in m.body for m in mails)
    if not Notice.objects.filter(user=recipient).exclude(kind=kind).exists():
        assert mails == []
    # Still in the app: on the list, and counted by the bell.
    client.force_login(recipient)
    page = client.get(reverse("notices:list")).content.decode()
    for notice in notices:
        assert f'href="/notices/{notice.pk}/"' in page
    unread = Notice.objects.filter(user=recipient, read_at__isnull=True).count()
    assert f'<span class="notice-count badge rounded-pill text-bg-warning">{unread}</span>' in page


def test_a_user_without_an_address_still_gets_the_notice_in_the_app(
    scene, mailoutbox, django_capture_on_commit_callbacks
):
    scene.ciso.email = ""
    scene.ciso.save(update_fields=["email"])
    CASES[Notice.Kind.VERIFIED].make(scene, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(user=scene.ciso)
    assert notice.sent_at is not None
    assert not notice.emailed
    assert mailoutbox == []


def test_a_failed_email_is_sent_by_the_next_run_and_only_then(
    scene, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.notices.services import delivery
    from apps.notices.tasks import deliver_pending

    def relay_down(user, notices):
        raise ConnectionRefusedError("mail relay down")

    real = delivery._send
    monkeypatch.setattr(delivery, "_send", relay_down)
    # The e-mail fails after the change committed: the change stands, the notice waits.
    CASES[Notice.Kind.VERIFIED].make(scene, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(user=scene.ciso)
    assert notice.sent_at is None
    assert scene.task("T02").status == "verified"

    monkeypatch.setattr(delivery, "_send", real)
    assert deliver_pending.delay().get()["emails"] == 1
    assert deliver_pending.delay().get()["emails"] == 0
    assert len(mailoutbox) == 1
    notice.refresh_from_db()
    assert notice.emailed
