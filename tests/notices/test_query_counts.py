"""The notice pages cost the same few queries whatever the number of notices, and the
header's bell costs one query on a signed-in page, none for an anonymous one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import CisoFactory
from tests.notices.factories import NoticeFactory

pytestmark = pytest.mark.django_db


def _notice_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"notices_notice"' in q["sql"]]


@pytest.mark.parametrize("notices", [3, 30])
def test_the_list_queries_the_same_with_3_and_30_notices(
    notices, client, django_assert_num_queries
):
    user = CisoFactory()
    NoticeFactory.create_batch(notices, user=user)
    NoticeFactory.create_batch(3, user=CisoFactory())  # someone else's
    client.force_login(user)
    url = reverse("notices:list")
    client.get(url)  # warm-up
    # session, user, the bell's count, the page's count, the page of notices
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["notices"]) == min(notices, 25)
    with django_assert_num_queries(5):
        assert client.get(url, {"show": "unread", "page": "2"}).status_code == 200


@pytest.mark.parametrize("notices", [3, 30])
def test_the_detail_and_mark_read_query_the_same_with_3_and_30_notices(
    notices, client, django_assert_num_queries
):
    user = CisoFactory()
    first, *_ = NoticeFactory.create_batch(notices, user=user)
    client.force_login(user)
    detail = reverse("notices:detail", kwargs={"pk": first.pk})
    client.get(detail)  # warm-up
    # session, user, the notice, the bell
    with django_assert_num_queries(4):
        client.get(detail)
    # session, user, the notice, the update, the bell (out of band)
    with django_assert_num_queries(5):
        client.post(
            reverse("notices:mark_read", kwargs={"pk": first.pk}), headers={"HX-Request": "true"}
        )


def test_the_bell_is_one_query_per_signed_in_page_and_none_when_anonymous(client):
    user = CisoFactory()
    NoticeFactory.create_batch(3, user=user)
    client.get(reverse("accounts:login"))  # warm-up
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get(reverse("accounts:login")).status_code == 200
    assert _notice_queries(anonymous) == []

    client.force_login(user)
    pages = [reverse("reports:report_list"), reverse("notices:preferences")]
    for url in pages:
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as signed_in:
            assert client.get(url).status_code == 200
        counted = _notice_queries(signed_in)
        assert len(counted) == 1, counted
        assert "COUNT(" in counted[0].upper()
        assert "LIMIT 100" in counted[0].upper()
