"""The API's JSON parser (in its own module: DRF reads the setting while samverkan.api is
importing)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


class JSONParser(parsers.JSONParser):
    """JSON bodies, refusing text that is not Unicode (a lone surrogate such as "\\ud800" is
    valid JSON but no character; echoed in an error message it could not be written out)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _has_lone_surrogate(data):
            raise exceptions.ParseError(_("Texten innehåller ogiltiga tecken."))
        return data
