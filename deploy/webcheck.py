"""A staff member's visit through nginx over HTTPS, for `make prodcheck`: the login with user
name, password and the authenticator app's code, then an export ordered on the page and its
file downloaded. Standard library only; the certificate is verified against the one the check
made, and the code is computed here from the key it gave the staff member (RFC 6238)."""

from __future__ import annotations

import hashlib
import hmac
import http.cookiejar
import json
import re
import ssl
import struct
import time
import urllib.error
import urllib.parse
import urllib.request

LOGIN_PATH = "/konto/logga-in/"
SECOND_FACTOR_PATH = "/konto/tvastegsinloggning/"
EXPORT_PATH = "/export/"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """Cookies, CSRF tokens and the Referer a browser sends; redirects are returned, not
    followed, so each step's answer can be checked."""

    def __init__(self, base: str, cafile: str | None = None):
        self.base = base.rstrip("/")
        context = ssl.create_default_context(cafile=cafile) if cafile else None
        self.cookies = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        """(status, headers, body bytes) of one request; a POST when `data` is given."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = {"Referer": self.base + path, "Accept-Language": "sv", **(headers or {})}
        request = urllib.request.Request(self.base + path, data=body, headers=sent)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def form_token(self, path: str) -> str:
        status, _headers, body = self.request(path)
        if status != 200:
            raise CheckFailed(f"GET {path} answered {status}")
        found = _CSRF_INPUT.search(body.decode("utf-8", "replace"))
        if not found:
            raise CheckFailed(f"GET {path}: no CSRF token in the form")
        return found.group(1)


class CheckFailed(Exception):
    pass


def _location(headers) -> str:
    return urllib.parse.urlsplit(headers.get("Location", "")).path


def login(browser: Browser, username: str, password: str, totp_key: str) -> str:
    """Password, then the code; returns what the start page answered."""
    token = browser.form_token(LOGIN_PATH)
    status, headers, _ = browser.request(
        LOGIN_PATH, {"csrfmiddlewaretoken": token, "username": username, "password": password}
    )
    # The password accepted, every page but the code page sends there (accounts.middleware).
    if status == 302 and _location(headers) != SECOND_FACTOR_PATH:
        status, headers, _ = browser.request(_location(headers))
    if status != 302 or _location(headers) != SECOND_FACTOR_PATH:
        raise CheckFailed(f"password: {status} to {headers.get('Location')!r}")
    token = browser.form_token(SECOND_FACTOR_PATH)
    status, headers, _ = browser.request(
        SECOND_FACTOR_PATH, {"csrfmiddlewaretoken": token, "code": totp(totp_key)}
    )
    if status != 302 or _location(headers).startswith("/konto/"):
        raise CheckFailed(f"code: {status} to {headers.get('Location')!r}")
    status, _headers, _ = browser.request("/")
    if status != 200:
        raise CheckFailed(f"start page after login: {status}")
    return f"{username} logged in (password and code), start page 200"


def export_downloaded(browser: Browser, timeout: float = 120) -> str:
    """Orders the participants' export on /export/, waits for the worker, fetches the file."""
    token = browser.form_token(EXPORT_PATH)
    status, headers, _ = browser.request(
        EXPORT_PATH,
        {
            "csrfmiddlewaretoken": token,
            "kind": "participants",
            "file_format": "csv_semicolon",
            "headers": "labels",
        },
    )
    job = re.fullmatch(r"/export/(\d+)/", _location(headers))
    if status != 302 or not job:
        raise CheckFailed(f"ordering the export: {status} to {headers.get('Location')!r}")
    status_path = f"/export/{job.group(1)}/status/"
    deadline = time.monotonic() + timeout
    while True:
        status, _headers, body = browser.request(status_path)
        state = json.loads(body) if status == 200 else {}
        if state.get("finished"):
            break
        if time.monotonic() > deadline:
            raise CheckFailed(f"export not finished after {timeout:.0f} s: {state or status}")
        time.sleep(1)
    if state.get("state") != "done" or not state.get("download_url"):
        raise CheckFailed(f"export ended as {state.get('state')!r}: {state.get('message')}")
    status, headers, body = browser.request(state["download_url"])
    text = body.decode("utf-8-sig", "replace")
    if status != 200 or "attachment" not in headers.get("Content-Disposition", ""):
        raise CheckFailed(f"download: {status}")
    if not text.startswith("Ärende;Personnyckel;"):
        raise CheckFailed(f"download: not the export's CSV: {text[:60]!r}")
    return f"export {job.group(1)} done by the worker, file downloaded ({len(body)} bytes)"
