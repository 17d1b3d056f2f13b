"""Single sign-on's addresses (accounts.oidc_views), reachable before login. The callback's
address is the redirect URI registered with the provider: `<site>/oidc/callback/`."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .oidc_views import SSOAuthenticateView, SSOCallbackView

app_name = "oidc"

urlpatterns = [
    path("authenticate/", login_not_required(SSOAuthenticateView.as_view()), name="authenticate"),
    path("callback/", login_not_required(SSOCallbackView.as_view()), name="callback"),
]
