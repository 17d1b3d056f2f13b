"""The keyed pseudonym of a person in an export (issue 6 point 4, ADR 0013).

`person_key = HMAC-SHA256(export_key, personnummer)`, the first 20 hex characters, where
`export_key = HMAC-SHA256(master_key, "samverkan-export:" + export_id)` and `export_id` is 128
random bits drawn for each export. So the key is the same for a person throughout one export
(its three files join on it) and different in the next export; without the master key nobody
can compute it, or test guessed personnummer against it.

The master key is the setting EXPORT_PSEUDONYM_KEY; without it, a key derived from SECRET_KEY
(so a development installation works without configuration, and the pseudonyms change with
SECRET_KEY, which production keeps secret anyway)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# 20 hex characters = 80 bits. The key's secrecy, not its length, protects the personnummer; the
# length only has to make two people sharing a key in one export negligible: for ten million
# people the chance is about 4·10⁻¹¹ (n²/2⁸¹).
KEY_HEX_LENGTH = 20


def master_key() -> bytes:
    configured = getattr(settings, "EXPORT_PSEUDONYM_KEY", "") or ""
    if configured:
        return configured.encode("utf-8")
    return hmac.digest(
        settings.SECRET_KEY.encode("utf-8"), b"samverkan.exports.pseudonym-key", hashlib.sha256
    )


_HEX_AS_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def new_export_id() -> str:
    """128 random bits as 32 letters a–p (hexadecimal with letters for digits): names the export
    in the log and keys its pseudonyms. No digits, so the access log's masking of anything like
    a personnummer (ten or twelve digits in a row) can never cut into it."""
    return secrets.token_hex(16).translate(_HEX_AS_LETTERS)


# HMAC's padding of the key to SHA-256's block (RFC 2104): H((K ^ opad) || H((K ^ ipad) || m)).
_BLOCK_BYTES = 64
_INNER_PAD = 0x36
_OUTER_PAD = 0x5C
_INNER_SETTING = "samverkan.export_inner_pad"
_OUTER_SETTING = "samverkan.export_outer_pad"


class PersonKey:
    """`PersonKey(export_id)(personnummer)` → the person's key in that export; `.sql(text)` the
    same key computed by PostgreSQL, for a file written by the database (exports.selectors.csv)."""

    def __init__(self, export_id: str):
        self._key = hmac.digest(
            master_key(), b"samverkan-export:" + export_id.encode("ascii"), hashlib.sha256
        )

    def __call__(self, personnummer: str) -> str:
        digest = hmac.digest(self._key, personnummer.encode("ascii"), hashlib.sha256)
        return digest.hex()[:KEY_HEX_LENGTH]

    def sql(self, text_sql: str) -> tuple[str, list]:
        """SQL for the key of the text `text_sql` (NULL for NULL), and its parameters (none).

        PostgreSQL has SHA-256 built in (`sha256(bytea)`) but HMAC only with pgcrypto, which the
        database need not have: HMAC is two SHA-256 over the export key padded as RFC 2104 says,
        so the pads are computed here and the hashing there. The pads are the export's key, as
        secret as the key itself, so they are never written into the export's statement (a long
        COPY is what a server's slow-statement log records): `settings_sql()` hands them to the
        transaction as settings first, in a statement that takes no time, and this SQL reads
        them from there. They are derived from the export id, so they open no other export."""
        pad = "DECODE(CURRENT_SETTING('{}'), 'hex')"
        digest = (
            f"SHA256({pad.format(_OUTER_SETTING)} || SHA256({pad.format(_INNER_SETTING)}"
            f" || CONVERT_TO({text_sql}, 'UTF8')))"
        )
        prefix = f"SUBSTRING({digest} FROM 1 FOR {KEY_HEX_LENGTH // 2})"
        return f"ENCODE({prefix}, 'hex')", []

    def settings_sql(self) -> tuple[str, list]:
        """The statement that gives the current transaction the pads `sql()` reads (SET LOCAL
        semantics: gone at the transaction's end)."""
        padded = self._key.ljust(_BLOCK_BYTES, b"\0")
        inner = bytes(byte ^ _INNER_PAD for byte in padded).hex()
        outer = bytes(byte ^ _OUTER_PAD for byte in padded).hex()
        return (
            "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
            [_INNER_SETTING, inner, _OUTER_SETTING, outer],
        )
