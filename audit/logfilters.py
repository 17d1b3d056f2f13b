"""Keeps personnummer out of application logs (SPEC §7)."""

import logging

# What looks like a personnummer is defined once, shared with the address refusal.
from .personnummer import mask_personnummer

__all__ = ["MaskPersonnummerFilter", "axes_username", "mask_personnummer"]


class MaskPersonnummerFilter(logging.Filter):
    """Masks the message, its arguments and any traceback (a database error can quote a
    unique key: `Key (personnummer)=(...) already exists`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personnummer(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personnummer(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personnummer(record.stack_info)
        return True


def axes_username(request, credentials) -> str:
    """The user name as django-axes stores it: a personnummer typed by mistake is masked."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "POST", {}).get(field)
    return mask_personnummer(str(username or ""))
