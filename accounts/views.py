from django.contrib.auth import views as auth_views

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    # A form: shown by GET, sent by POST. Django's view also takes PUT as POST; not here.
    http_method_names = ["get", "post", "head", "options"]


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): logging out flushes the session on the server."""
