"""Refuses any request whose address carries something that looks like a personnummer.

Addresses end up in browser history, proxies and server logs, so the product never puts a
personnummer there (SPEC §7): searches are POSTed and objects are addressed by their id. This
middleware makes the rule hold even for a hand-typed or bookmarked address."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from .personnummer import contains_personnummer


class PersonnummerInUrlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.STATIC_URL):  # hashed file names are not people
            return self.get_response(request)
        # The raw query string: contains_personnummer also reads it percent-decoded.
        address = request.path + "?" + request.META.get("QUERY_STRING", "")
        if contains_personnummer(address):
            return HttpResponseBadRequest(
                _("Personnummer får inte stå i adressen. Sök via sökrutan i stället."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
