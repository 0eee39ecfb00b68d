from django.contrib import messages
from django.contrib.auth import views as auth_views

from apps.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    """Sign-in; afterwards `home` sends each role to its landing page (or `next`)."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out (POST only, as Django requires); says so on the sign-in page it lands on."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, "You have signed out.")
        return response
