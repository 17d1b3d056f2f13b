"""What counts as a personnummer in free text: the one definition behind the refusal of addresses
(audit.middleware) and the mask on log lines and access-log text (audit.logfilters), SPEC §7.

Detection is deliberately wider than validation (cases.validators accepts only the forms an
officer is asked to type): any 10 or 12 digits in the personnummer's grouping, whatever the day
(a samordningsnummer adds 60 to it) and whatever the check digit, so that a mistyped number is
hidden too. Between the groups people write `-`, `+`, a space, `_`, `.`, `/` or nothing, and in
an address any of these may arrive percent-encoded.

Identifiers that merely contain such a digit run are left alone: a UUID (Celery task ids) or a
hexadecimal token such as a file hash. Masking `12345678-9012-4c90-…` to `[personnummer]-4c90-…`
would destroy the id without protecting anyone."""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "[personnummer]"

# At most three separator characters between two groups ("800101 - 1234").
_SEP = r"[-+_./\s]{0,3}"
_HEX = r"[0-9a-fA-F]"

PERSONNUMMER = re.compile(
    # Alternatives are tried left to right at each position, so an identifier is consumed whole
    # before its digit groups could be read as a number.
    rf"(?P<uuid>(?<!{_HEX}){_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}(?!{_HEX}))"
    # A hexadecimal run with at least one letter a–f, standing as a word of its own.
    rf"|(?P<hex>(?<![0-9A-Za-z])(?={_HEX}*[a-fA-F]){_HEX}+(?![0-9A-Za-z]))"
    # [CC]YY MM DD NNNN with an optional separator between the groups.
    rf"|(?P<number>(?<!\d)(?:\d\d{_SEP})?\d\d{_SEP}\d\d{_SEP}\d\d{_SEP}\d{{4}}(?!\d))"
)


def _numbers(text: str):
    return (m for m in PERSONNUMMER.finditer(text) if m.group("number"))


def _decoded(text: str) -> str | None:
    """The percent-decoded text, when decoding changes it (`%31%39…`, `19800101%2D1234`)."""
    if "%" not in text:
        return None
    decoded = unquote(text)
    return decoded if decoded != text else None


def contains_personnummer(text: str) -> bool:
    """True when `text`, as written or percent-decoded, holds something that may be one."""
    text = str(text or "")
    if next(_numbers(text), None) is not None:
        return True
    decoded = _decoded(text)
    return decoded is not None and next(_numbers(decoded), None) is not None


def mask_personnummer(text: str) -> str:
    """`text` with every possible personnummer replaced by `[personnummer]`. A text that holds
    one only once percent-decoded (a request line in the server log) is returned decoded and
    masked: hiding the number matters more than keeping the encoding."""
    text = str(text or "")
    masked = PERSONNUMMER.sub(lambda m: MASK if m.group("number") else m.group(0), text)
    decoded = _decoded(masked)
    if decoded is not None and next(_numbers(decoded), None) is not None:
        return mask_personnummer(decoded)
    return masked
