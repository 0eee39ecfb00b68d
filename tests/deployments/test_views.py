import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.deployments.models import ToolDeployment
from tests.deployments.factories import ToolDeploymentFactory

pytestmark = pytest.mark.django_db


def _url(name, agency, **kwargs):
    return reverse(f"deployments:{name}", kwargs={"agency_id": agency.pk, **kwargs})


def _form(deployment=None, **overrides):
    data = {
        "tool": deployment.tool_id if deployment else "",
        "product_notes": "",
        "stage": deployment.stage if deployment else "planned",
        "endpoints_covered": deployment.endpoints_covered if deployment else 0,
        "go_live_date": "",
        "version": deployment.version if deployment else "",
    }
    return data | overrides


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_deployments_and_coverage_with_edit_controls(
    client, agency, ciso, directive, edr
):
    ToolDeploymentFactory(
        agency=agency,
        tool=edr,
        stage="operational",
        endpoints_covered=250,
        go_live_date=timezone.localdate(),
        operational_since=timezone.now(),
        product_notes="Falcon sensor",
    )
    client.force_login(ciso)
    response = client.get(_url("list", agency))

    assert response.status_code == 200
    html = response.content.decode()
    assert "AI-defense tool deployments" in html
    assert "Falcon sensor" in html
    assert "250 of 1,000" in html  # T11: endpoints covered
    assert "50 % of target" in html  # 250 of the 500 needed
    assert "250 more endpoints needed" in html
    assert 'aria-valuenow="50"' in html
    assert "Add a deployment" in html
    assert "Save endpoint count" in html
    assert 'aria-current="page"' in html  # the agency tabs


@pytest.mark.parametrize("who", ["leadership", "oversight"])
def test_read_only_roles_see_the_list_without_edit_controls(
    request, client, agency, directive, edr, who
):
    ToolDeploymentFactory(agency=agency, tool=edr)
    client.force_login(request.getfixturevalue(who))
    response = client.get(_url("list", agency))
    assert response.status_code == 200
    html = response.content.decode()
    assert edr.name in html
    assert "Add a deployment" not in html
    assert "Save endpoint count" not in html
    assert ">Edit<" not in html
    assert "Read only." in html


def test_anonymous_users_are_sent_to_sign_in(client, agency):
    response = client.get(_url("list", agency))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response.url


# --- add and edit ---------------------------------------------------------------------------


def test_adding_a_deployment_redirects_to_the_list_with_it(client, agency, ciso, edr):
    client.force_login(ciso)
    data = _form(tool=edr.pk, stage="operational", endpoints_covered=400,
                 go_live_date=timezone.localdate().isoformat())  # fmt: skip
    response = client.post(_url("create", agency), data)
    assert response.status_code == 302
    assert response.url == _url("list", agency)
    deployment = ToolDeployment.objects.get()
    assert (deployment.agency, deployment.stage, deployment.endpoints_covered) == (
        agency,
        "operational",
        400,
    )
    page = client.get(response.url).content.decode()
    assert "Added AI-enabled EDR (Operational)." in page


def test_too_many_endpoints_is_refused_with_a_clear_message(client, agency, ciso, edr):
    client.force_login(ciso)
    response = client.post(_url("create", agency), _form(tool=edr.pk, endpoints_covered=1500))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Endpoints covered (1,500) exceeds the agency&#x27;s endpoint count (1,000)" in html
    assert not ToolDeployment.objects.exists()


def test_a_tool_outside_the_catalog_is_refused(client, agency, ciso):
    client.force_login(ciso)
    response = client.post(_url("create", agency), _form(tool=999999, endpoints_covered=1))
    assert response.status_code == 422
    assert not ToolDeployment.objects.exists()


def test_editing_saves_and_bumps_the_version(client, agency, ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    client.force_login(ciso)
    response = client.post(
        _url("edit", agency, pk=deployment.pk), _form(deployment, stage="piloting")
    )
    assert response.status_code == 302
    deployment.refresh_from_db()
    assert (deployment.stage, deployment.version) == ("piloting", 2)


def test_a_stale_edit_is_refused_showing_the_current_values(client, agency, ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr, endpoints_covered=100)
    stale_form = _form(deployment, endpoints_covered=333)
    client.force_login(ciso)
    # Another editor saves first.
    first = client.post(
        _url("edit", agency, pk=deployment.pk), _form(deployment, endpoints_covered=222)
    )
    assert first.status_code == 302

    response = client.post(_url("edit", agency, pk=deployment.pk), stale_form)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Your changes were not saved" in html
    assert 'value="222"' in html  # the form now holds what is saved
    assert 'name="version" value="2"' in html
    assert "333" in html  # the user's entry is shown beside it, not lost
    deployment.refresh_from_db()
    assert (deployment.endpoints_covered, deployment.version) == (222, 2)


def test_the_endpoint_count_is_corrected_from_its_form(client, agency, ciso):
    client.force_login(ciso)
    data = {"endpoint_count": "1200", "expected_count": "1000", "reason": "Asset census"}
    response = client.post(_url("endpoints", agency), data)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.endpoint_count == 1200
    assert AuditEvent.objects.get(object_type="agency").comment == "Asset census"


def test_a_stale_endpoint_count_is_refused_then_taken_as_read(client, agency, ciso):
    client.force_login(ciso)
    agency.endpoint_count = 1100
    agency.save()
    data = {"endpoint_count": "1200", "expected_count": "1000", "reason": ""}
    response = client.post(_url("endpoints", agency), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "changed the endpoint count to 1,100" in html
    assert 'name="expected_count" value="1100"' in html
    agency.refresh_from_db()
    assert agency.endpoint_count == 1100


# --- access ---------------------------------------------------------------------------------


# Every URL of the app with the methods it accepts (any other method is 405 for every
# agency id alike, existing or not, so it leaks nothing).
PAGES = [("list", ["get"]), ("create", ["get", "post"]), ("edit", ["get", "post"]),
         ("endpoints", ["get", "post"])]  # fmt: skip
CASES = [(name, method) for name, methods in PAGES for method in methods]


def _page_url(name, agency, deployment):
    kwargs = {"pk": deployment.pk} if name == "edit" else {}
    return _url(name, agency, **kwargs)


@pytest.mark.parametrize(("name", "method"), CASES)
def test_another_agencys_ciso_gets_404(client, agency, other_ciso, edr, name, method):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    client.force_login(other_ciso)
    response = getattr(client, method)(_page_url(name, agency, deployment), _form(deployment))
    assert response.status_code == 404
    deployment.refresh_from_db()
    assert deployment.version == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_agencys_deployment_through_ones_own_agency_is_404(
    client, agency, other_ciso, edr, method
):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    client.force_login(other_ciso)
    own = reverse(
        "deployments:edit", kwargs={"agency_id": other_ciso.agency_id, "pk": deployment.pk}
    )
    assert getattr(client, method)(own, _form(deployment)).status_code == 404


@pytest.mark.parametrize("who", ["leadership", "oversight"])
@pytest.mark.parametrize(("name", "method"), [c for c in CASES if c[0] != "list"])
def test_read_only_roles_cannot_change_anything(request, client, agency, edr, who, name, method):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    client.force_login(request.getfixturevalue(who))
    data = _form(deployment, stage="retired") | {"endpoint_count": 5, "expected_count": 1000}
    response = getattr(client, method)(_page_url(name, agency, deployment), data)
    assert response.status_code == 403
    deployment.refresh_from_db()
    agency.refresh_from_db()
    assert (deployment.stage, deployment.version, agency.endpoint_count) == ("planned", 1, 1000)
    assert not AuditEvent.objects.exists()
