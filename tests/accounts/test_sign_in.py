"""Sign-in and sign-out: each role lands where its work is."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.tracking.scenario import build_world

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


@pytest.fixture
def world(db):
    return build_world(tasks=1)


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, follow=True)


def test_the_sign_in_page_is_a_plain_accessible_form(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_username"' in html
    assert 'for="id_password"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "Authorized use only" in html
    assert html.count('name="csrfmiddlewaretoken"') == 1


def test_a_ciso_lands_on_their_agency_page(client, world):
    response = sign_in(client, "ciso-a")
    assert response.redirect_chain[-1][0] == reverse(
        "tracking:agency_detail", kwargs={"agency_id": world.agency.pk}
    )
    assert response.status_code == 200
    assert "Agency of Examples" in response.content.decode()


@pytest.mark.parametrize("username", ["oversight", "leader"])
def test_oversight_and_leadership_land_on_the_fleet_dashboard(client, world, username):
    response = sign_in(client, username)
    assert response.redirect_chain[-1][0] == reverse("readiness:fleet_dashboard")
    assert response.status_code == 200


def test_a_safe_next_url_is_honoured(client, world):
    wanted = reverse("tracking:extension_list", kwargs={"agency_id": world.agency.pk})
    response = sign_in(client, "ciso-a", next=wanted)
    assert response.redirect_chain[-1][0] == wanted


def test_a_foreign_next_url_is_ignored(client, world):
    response = sign_in(client, "ciso-a", next="https://evil.example/")
    assert response.redirect_chain[-1][0].startswith("/agencies/")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world):
    for username in ("ciso-a", "nobody"):
        response = sign_in(client, username, password="wrong")
        html = response.content.decode()
        assert response.status_code == 200
        assert "The username or password is not correct." in html
        assert "_auth_user_id" not in client.session


def test_a_signed_in_user_opening_sign_in_goes_to_their_page(client, world):
    client.force_login(world.ciso)
    response = client.get(LOGIN, follow=True)
    assert response.redirect_chain[-1][0].startswith("/agencies/")


def test_home_sends_each_role_to_its_landing_page(client, world):
    client.force_login(world.oversight)
    assert client.get("/").url == reverse("readiness:fleet_dashboard")
    client.force_login(world.ciso)
    assert client.get("/").url == f"/agencies/{world.agency.pk}/"


def test_home_asks_a_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_sign_out_ends_the_session_and_says_so(client, world):
    client.force_login(world.ciso)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "You have signed out." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("tracking:agency_detail", kwargs={"agency_id": 1})).status_code == 302


def test_sign_out_needs_a_post(client, world):
    client.force_login(world.ciso)
    assert client.get(reverse("accounts:logout")).status_code == 405
