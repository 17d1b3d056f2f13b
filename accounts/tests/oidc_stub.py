"""A local OpenID Connect provider for the single sign-on tests: served on 127.0.0.1 at a random
port from a thread, with an RSA key made for the run. It answers discovery, the authorisation
request (logging in whoever the test chose), the token exchange (client secret, code, redirect
URI and PKCE checked), userinfo and its published keys. Tests can make it lie: change ID token
claims, sign with another key, or alter the token after signing."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "samverkan-test"
CLIENT_SECRET = "stub-client-secret"
KEY_ID = "stub-key-1"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StubProvider:
    def __init__(self):
        self.key = _new_key()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        # Who logs in at the next authorisation request (claims); None: the person cancels.
        self.person: dict | None = {"sub": "subject-1"}
        self.id_token_changes: dict = {}  # claims overwritten in the ID token it issues
        self.userinfo_changes: dict = {}  # claims overwritten in its userinfo answer
        self.sign_with_other_key = False
        self.unsigned = False  # "alg": "none"
        self.alter_after_signing = False
        self.paths: list[str] = []  # every request it received, method and path
        self.authorisation_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._lock = threading.Lock()

    def start(self) -> StubProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and frees the port; a second call does nothing."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=5)
        self.server.server_close()

    # --- what it serves

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update({"kid": KEY_ID, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def authorise(self, query: dict) -> str:
        """The address the browser is sent back to."""
        self.authorisation_requests.append(query)
        back = query["redirect_uri"]
        if self.person is None:
            return back + "?" + urlencode({"error": "access_denied", "state": query["state"]})
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = {"query": query, "person": dict(self.person)}
        return back + "?" + urlencode({"code": code, "state": query["state"]})

    def exchange(self, form: dict, authorization: str) -> tuple[int, dict]:
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant["query"]["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        challenge = grant["query"].get("code_challenge")
        if challenge:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                return 400, {"error": "invalid_grant"}
        person = grant["person"]
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = person
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(person, nonce=grant["query"].get("nonce")),
        }

    def id_token(self, person: dict, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
        claims.update(person)
        if nonce is not None:
            claims["nonce"] = nonce
        claims.update(self.id_token_changes)
        if self.unsigned:
            return jwt.encode(claims, None, algorithm="none", headers={"kid": KEY_ID})
        key = _new_key() if self.sign_with_other_key else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})
        if self.alter_after_signing:
            header, _, signature = token.split(".")
            changed = dict(claims, preferred_username="admin")
            body = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
            token = f"{header}.{body}.{signature}"
        return token

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        person = self._tokens.get(authorization.removeprefix("Bearer "))
        if person is None:
            return 401, {"error": "invalid_token"}
        answer = {k: v for k, v in person.items() if k not in ("acr", "amr")}
        answer.update(self.userinfo_changes)
        return 200, answer


def _handler_for(provider: StubProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass

        def _json(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's name)
            provider.paths.append(f"GET {urlsplit(self.path).path}")
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif parts.path == "/jwks":
                self._json(200, provider.jwks())
            elif parts.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorise(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif parts.path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self):  # noqa: N802 (http.server's name)
            provider.paths.append(f"POST {urlsplit(self.path).path}")
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                self._json(*provider.exchange(form, self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not_found"})

    return Handler
