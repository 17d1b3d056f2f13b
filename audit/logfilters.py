"""Keeps personnummer out of application logs (SPEC §7)."""

import logging
import re

# 10 or 12 digits, optionally with - or + before the last four: anything that could be a
# personnummer or samordningsnummer. Over-masking an order number is the safe side.
PERSONNUMMER_LIKE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def mask_personnummer(text: str) -> str:
    return PERSONNUMMER_LIKE.sub("[personnummer]", text)


class MaskPersonnummerFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personnummer(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
