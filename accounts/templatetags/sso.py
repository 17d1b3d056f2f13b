"""The login page's single sign-on button (accounts.oidc); nothing while single sign-on is off."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from accounts.oidc import provider_name

register = template.Library()


@register.simple_tag
def sso_login(next_url=""):
    """{"url", "provider"} of the button, or None while single sign-on is off."""
    if not settings.OIDC_ENABLED:
        return None
    url = reverse("oidc:authenticate")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return {"url": url, "provider": provider_name()}
