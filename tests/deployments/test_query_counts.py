"""Query counts of the deployment pages: the same with 3 and with 30 deployments (no N+1).

Each count is taken after a warm-up request (session, content types and the like are cached
then), so only the page's own queries are counted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.deployments.factories import DefenseToolFactory, ToolDeploymentFactory

pytestmark = pytest.mark.django_db

# Every page: session, user, the header's notice count; then
# agency, directive, coverage tasks, deployments with their tools
LIST_QUERIES = 7
# agency, directive, tool catalog
CREATE_QUERIES = 6
# agency, directive, deployment with its tool, tool catalog
EDIT_QUERIES = 7


def _deployments(agency, n):
    tools = [DefenseToolFactory(category=c) for c in ("edr", "siem_ueba", "ndr")]
    for i in range(n):
        operational = i % 2 == 0
        ToolDeploymentFactory(
            agency=agency,
            tool=tools[i % 3],
            stage="operational" if operational else "deploying",
            endpoints_covered=10,
            go_live_date=timezone.localdate() if operational else None,
            operational_since=timezone.now() if operational else None,
        )


def _count(client, url, django_assert_num_queries, expected):
    assert client.get(url).status_code == 200  # warm-up
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("rows", [3, 30])
def test_list_queries_do_not_grow_with_rows(
    client, agency, ciso, directive, rows, django_assert_num_queries
):
    _deployments(agency, rows)
    client.force_login(ciso)
    url = reverse("deployments:list", kwargs={"agency_id": agency.pk})
    response = _count(client, url, django_assert_num_queries, LIST_QUERIES)
    assert response.content.decode().count(">Edit<") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_create_and_edit_queries_do_not_grow_with_rows(
    client, agency, ciso, directive, rows, django_assert_num_queries
):
    _deployments(agency, rows)
    client.force_login(ciso)
    create = reverse("deployments:create", kwargs={"agency_id": agency.pk})
    _count(client, create, django_assert_num_queries, CREATE_QUERIES)
    pk = agency.deployments.first().pk
    edit = reverse("deployments:edit", kwargs={"agency_id": agency.pk, "pk": pk})
    _count(client, edit, django_assert_num_queries, EDIT_QUERIES)


def test_endpoint_form_queries(client, agency, ciso, directive, django_assert_num_queries):
    client.force_login(ciso)
    url = reverse("deployments:endpoints", kwargs={"agency_id": agency.pk})
    # session, user, the header's notice count, agency, directive
    _count(client, url, django_assert_num_queries, 5)
