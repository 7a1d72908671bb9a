import pytest
from django.urls import reverse

from apps.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_staff_signs_in_with_email_and_reaches_the_admin(client):
    UserFactory(email="office@example.com", roles=["Office"])
    response = client.post(
        reverse("account_login"), {"login": "office@example.com", "password": "correct-horse-battery"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.wsgi_request.user.email == "office@example.com"


def test_wrong_password_is_refused(client):
    UserFactory(email="office@example.com")
    response = client.post(reverse("account_login"), {"login": "office@example.com", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "not correct" in response.content.decode()


def test_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": "a-Long-pass-1", "password2": "a-Long-pass-1"},
    )
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_totp_is_offered_to_a_signed_in_user(client):
    UserFactory(email="owner@example.com")
    client.post(reverse("account_login"), {"login": "owner@example.com", "password": "correct-horse-battery"})
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "Authenticator App" in response.content.decode()
    assert reverse("mfa_activate_totp") in response.content.decode()


def test_users_have_no_user_name_and_are_created_by_email():
    user = User.objects.create_user("Mixed@Example.COM", "pw")
    assert user.email == "Mixed@example.com"
    assert str(user) == "Mixed@example.com"
    with pytest.raises(ValueError):
        User.objects.create_user("", "pw")
