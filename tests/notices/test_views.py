"""The notice pages: a user's own notices only (anyone else's is a 404), marking read is a
POST with CSRF, the bell counts what is unread, and the e-mail settings per kind."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.notices.models import EmailOptOut, Notice
from tests.accounts.factories import CisoFactory, LeadershipFactory, OversightFactory
from tests.notices.factories import NoticeFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _bell(page: str) -> str:
    return re.search(r'<a id="notice-bell".*?</a>', page).group(0)


@pytest.fixture
def me():
    return CisoFactory(username="me")


@pytest.fixture
def theirs():
    """Another user's notice: no page of `me` may show it, mark it or admit it exists."""
    return NoticeFactory(user=CisoFactory(username="them"), subject="Their private news")


def test_the_list_shows_my_notices_newest_first_with_unread_said_in_words(client, me, theirs):
    old = NoticeFactory(user=me, subject="Old news", read_at=timezone.now())
    new = NoticeFactory(user=me, subject="Fresh news")
    client.force_login(me)

    response = client.get(reverse("notices:list"))

    assert response.status_code == 200
    assert [n.pk for n in response.context["notices"]] == [new.pk, old.pk]
    page = flat(response)
    assert "Their private news" not in page
    assert page.index("Fresh news") < page.index("Old news")
    assert page.count(">Unread</span>") == 1
    assert 'Notices</span> <span class="notice-count badge rounded-pill text-bg-warning">1<' in (
        _bell(page)
    )


def test_the_unread_filter_keeps_the_unread_ones(client, me):
    NoticeFactory(user=me, subject="Read already", read_at=timezone.now())
    NoticeFactory(user=me, subject="Not read yet")
    client.force_login(me)
    page = flat(client.get(reverse("notices:list"), {"show": "unread"}))
    assert "Not read yet" in page
    assert "Read already" not in page
    assert 'href="/notices/?show=unread" aria-current="page"' in page


def test_no_notice_yet_says_so(client, me):
    client.force_login(me)
    page = flat(client.get(reverse("notices:list")))
    assert "No notice yet." in page
    assert "none unread" in _bell(page)


def test_anyone_elses_notice_is_a_404_and_stays_unread(client, me, theirs):
    client.force_login(me)
    assert client.get(reverse("notices:detail", kwargs={"pk": theirs.pk})).status_code == 404
    url = reverse("notices:mark_read", kwargs={"pk": theirs.pk})
    assert client.post(url).status_code == 404
    assert client.post(url, {"open": "1"}, **HTMX).status_code == 404
    # The same answer as for a notice that does not exist.
    assert (
        client.post(
            reverse("notices:mark_read", kwargs={"pk": 987654}),
        ).status_code
        == 404
    )
    client.post(reverse("notices:mark_all_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_is_sent_to_sign_in_and_sees_no_bell(client, theirs):
    for url in (
        reverse("notices:list"),
        reverse("notices:detail", kwargs={"pk": theirs.pk}),
        reverse("notices:preferences"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]
    assert client.post(reverse("notices:mark_read", kwargs={"pk": theirs.pk})).status_code == 302
    sign_in = client.get(reverse("accounts:login"))
    assert sign_in.status_code == 200
    assert 'id="notice-bell"' not in sign_in.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_a_post_with_csrf(me):
    notice = NoticeFactory(user=me)
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)
    url = reverse("notices:mark_read", kwargs={"pk": notice.pk})

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no token
    assert client.post(reverse("notices:mark_all_read")).status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None

    page = client.get(reverse("notices:list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:list")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_marking_read_twice_keeps_the_first_time(client, me):
    notice = NoticeFactory(user=me)
    client.force_login(me)
    url = reverse("notices:mark_read", kwargs={"pk": notice.pk})
    client.post(url)
    notice.refresh_from_db()
    first = notice.read_at
    client.post(url)
    notice.refresh_from_db()
    assert notice.read_at == first


def test_open_marks_read_and_goes_to_the_page_it_is_about(client, me):
    notice = NoticeFactory(user=me, link="/reports/")
    client.force_login(me)
    response = client.post(reverse("notices:mark_read", kwargs={"pk": notice.pk}), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/"
    notice.refresh_from_db()
    assert notice.is_read


def test_back_to_where_i_was_but_never_off_the_portal(client, me):
    one, two = NoticeFactory(user=me), NoticeFactory(user=me)
    client.force_login(me)
    mine = reverse("notices:detail", kwargs={"pk": one.pk})
    response = client.post(reverse("notices:mark_read", kwargs={"pk": one.pk}), {"next": mine})
    assert response["Location"] == mine
    response = client.post(
        reverse("notices:mark_read", kwargs={"pk": two.pk}),
        {"next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("notices:list")


def test_htmx_mark_read_answers_the_row_read_and_the_bell_counted_again(client, me):
    notice = NoticeFactory(user=me, subject="Fresh news")
    NoticeFactory(user=me, subject="Other news")
    client.force_login(me)

    response = client.post(reverse("notices:mark_read", kwargs={"pk": notice.pk}), **HTMX)

    assert response.status_code == 200
    page = flat(response)
    assert page.strip().startswith(f'<li id="notice-{notice.pk}" class="notice-row">')
    assert ">Unread<" not in page
    assert "Mark read" not in page
    bell = _bell(page)
    assert 'hx-swap-oob="true"' in bell
    assert ">1</span>" in bell
    assert '<div id="live-status" hx-swap-oob="innerHTML">Marked read: Fresh news</div>' in page


def test_mark_all_read_marks_every_one_of_mine(client, me, theirs):
    NoticeFactory.create_batch(3, user=me)
    NoticeFactory(user=me, read_at=timezone.now())
    client.force_login(me)
    response = client.post(reverse("notices:mark_all_read"), follow=True)
    assert "3 notices marked read." in flat(response)
    assert not Notice.objects.filter(user=me, read_at__isnull=True).exists()
    assert "none unread" in _bell(flat(response))


def test_the_detail_page_shows_the_whole_notice_and_does_not_mark_it_read(client, me):
    notice = NoticeFactory(
        user=me, body="Oversight's comment: the scan covers one site.", sent_at=timezone.now(),
        emailed=False,
    )  # fmt: skip
    client.force_login(me)
    page = flat(client.get(reverse("notices:detail", kwargs={"pk": notice.pk})))
    assert notice.subject in page
    assert "the scan covers one site." in page
    assert "Not e-mailed (e-mail is off for this kind)" in page
    assert "Go to the page it is about" in page
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_bell_says_99_plus_past_99(client, me):
    NoticeFactory.create_batch(101, user=me)
    client.force_login(me)
    bell = _bell(flat(client.get(reverse("notices:preferences"))))
    assert ">99+</span>" in bell


@pytest.mark.parametrize(
    ("factory", "kinds"),
    [
        (CisoFactory, ["returned", "verified", "extension_approved", "extension_denied",
                       "due_soon", "overdue", "report_ready", "report_failed"]),
        (OversightFactory, ["digest", "turned_red", "report_ready", "report_failed"]),
        (LeadershipFactory, ["report_ready", "report_failed"]),
    ],
)  # fmt: skip
def test_the_settings_offer_the_kinds_of_my_role_all_e_mailed_at_first(client, factory, kinds):
    user = factory()
    client.force_login(user)
    response = client.get(reverse("notices:preferences"))
    assert response.status_code == 200
    page = flat(response)
    assert re.findall(r'name="email_kinds" value="(\w+)"', page) == kinds
    assert page.count(" checked>") == len(kinds)


def test_turning_a_kind_off_and_on_again(client, me):
    client.force_login(me)
    url = reverse("notices:preferences")
    response = client.post(url, {"email_kinds": ["returned", "verified"]}, follow=True)
    assert "Your e-mail settings are saved." in flat(response)
    assert set(EmailOptOut.objects.filter(user=me).values_list("kind", flat=True)) == {
        "extension_approved", "extension_denied", "due_soon", "overdue", "report_ready",
        "report_failed",
    }  # fmt: skip
    assert 'value="verified" id="kind-verified" aria-describedby="kind-verified-hint" checked' in (
        flat(response)
    )
    client.post(url, {"email_kinds": ["returned", "verified", "due_soon", "overdue"]})
    assert EmailOptOut.objects.filter(user=me).count() == 4


def test_a_kind_my_role_is_not_sent_is_refused_naming_the_field(client, me):
    client.force_login(me)
    response = client.post(reverse("notices:preferences"), {"email_kinds": ["digest"]})
    assert response.status_code == 422
    page = flat(response)
    assert "Choose among the kinds listed; digest is not one." in page
    assert 'aria-describedby="email-kinds-error"' in page
    assert not EmailOptOut.objects.filter(user=me).exists()
