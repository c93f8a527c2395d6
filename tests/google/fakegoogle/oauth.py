"""OAuth 2.0 endpoints good enough for google-auth and google-auth-oauthlib.

``GET /o/oauth2/auth`` plays the consent screen (it redirects straight back with a code),
``POST /token`` handles the ``authorization_code`` (with PKCE), ``refresh_token`` and
service-account ``jwt-bearer`` grants. API requests must carry a bearer token; tokens this
server issued expire and can be revoked, other tokens are accepted so tests can use
``Credentials(token=...)`` directly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, replace
from typing import Any

from tests.google.fakegoogle.common import DEFAULT_PROJECT, ApiError, Caller, Request, Response

FULL_SCOPE = "https://www.googleapis.com/auth/drive"
FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
# Google requires this audience in service-account assertions, whatever URL they are posted to.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return Response.json({"error": error, "error_description": description}, status)


def _b64json(segment: str) -> dict[str, Any]:
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


@dataclass
class TokenRequest:
    """What a token request asked for (no secrets), for tests to assert on."""

    grant_type: str
    client_id: str | None = None
    scope: str | None = None
    subject: str | None = None  # jwt-bearer "sub": the impersonated user
    issuer: str | None = None  # jwt-bearer "iss": the service account
    audience: str | None = None


class OAuthServer:
    def __init__(self, lock: threading.RLock):
        self.lock = lock
        self.lifetime = 3599
        self.access: dict[str, float] = {}  # token -> expiry (epoch seconds)
        self.refresh: dict[str, str] = {}  # refresh token -> scope
        self.revoked: set[str] = set()  # refresh and access tokens
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[TokenRequest] = []
        self.trusted_keys: dict[str, str] = {}  # service-account email -> public key PEM
        # OAuth client ID -> its Cloud project; clients not listed belong to DEFAULT_PROJECT. Drive keeps
        # appProperties per project, so a client of another project sees none of this one's.
        self.projects: dict[str, str] = {}
        self.callers: dict[str, Caller] = {}  # access token -> who it was issued to
        self.refresh_clients: dict[str, str] = {}  # refresh token -> the client it was issued to
        self.refresh_lifetime: int | None = None  # seconds: announce (refresh_token_expires_in) like a Testing app
        self.issued_from: dict[str, str] = {}  # access token -> the refresh token it was refreshed from
        self.revocations: list[str] = []  # tokens revoked through the /revoke endpoint, in order

    # -- test controls -------------------------------------------------------------------------

    def issue_refresh_token(
        self, scope: str = "https://www.googleapis.com/auth/drive", client_id: str | None = None
    ) -> str:
        """A refresh token; with ``client_id``, only that OAuth client may use it (as on Google)."""
        token = "1//fake-refresh-" + secrets.token_urlsafe(16)
        with self.lock:
            self.refresh[token] = scope
            if client_id is not None:
                self.refresh_clients[token] = client_id
        return token

    def project_of(self, client_id: str | None) -> str:
        with self.lock:
            return self.projects.get(client_id or "", DEFAULT_PROJECT)

    def expire(self, access_token: str) -> None:
        with self.lock:
            self.access[access_token] = 0.0

    def revoke(self, token: str) -> None:
        """Revoke a token as Google does: a refresh token takes the access tokens refreshed from it along."""
        with self.lock:
            self.revoked.add(token)
            self.revoked.update(access for access, refresh in self.issued_from.items() if refresh == token)

    def revoke_endpoint(self, req: Request) -> Response:
        """POST /revoke (oauth2.googleapis.com/revoke): ``token`` as a form field or query parameter.

        Google answers 200 with an empty body, or 400 ``invalid_token`` for a token it does not know
        or has already revoked."""
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(req.body.decode("utf-8")).items()}
        token = form.get("token") or req.param("token") or ""
        with self.lock:
            known = token in self.refresh or token in self.access
            if not token or not known or token in self.revoked:
                return _oauth_error("invalid_token", "Token expired or revoked")
            self.revocations.append(token)
        self.revoke(token)
        return Response.raw(b"", "application/json", 200)

    # -- endpoints -----------------------------------------------------------------------------

    def authorize(self, req: Request) -> Response:
        """The consent screen, already agreed to: redirect back with a code."""
        redirect = req.param("redirect_uri") or ""
        parts = urllib.parse.urlsplit(redirect)
        if parts.scheme != "http" or parts.hostname not in ("localhost", "127.0.0.1", "::1"):
            return Response.raw(b"Error 400: invalid_request (redirect_uri)", "text/plain", 400)
        if req.param("response_type") != "code" or not req.param("client_id"):
            return Response.raw(b"Error 400: invalid_request", "text/plain", 400)
        code = "4/fake-code-" + secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {
                "client_id": req.param("client_id"),
                "redirect_uri": redirect,
                "scope": req.param("scope") or "",
                "challenge": req.param("code_challenge"),
                "method": req.param("code_challenge_method") or "plain",
            }
        query = urllib.parse.urlencode(
            {"state": req.param("state") or "", "code": code, "scope": req.param("scope") or ""}
        )
        sep = "&" if parts.query else "?"
        return Response(302, b"", {"Location": f"{redirect}{sep}{query}"})

    def token(self, req: Request) -> Response:
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(req.body.decode("utf-8")).items()}
        basic = req.headers.get("authorization", "")
        if basic.lower().startswith("basic "):  # client authentication may use HTTP Basic
            try:
                user, _, password = base64.b64decode(basic[6:]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return _oauth_error("invalid_client", "Unauthorized", 401)
            form.setdefault("client_id", urllib.parse.unquote(user))
            form.setdefault("client_secret", urllib.parse.unquote(password))
        grant = form.get("grant_type", "")
        if grant == "refresh_token":
            return self._refresh(form)
        if grant == "authorization_code":
            return self._code(form)
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self._jwt(form, req)
        return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")

    def _issue(
        self,
        scope: str,
        extra: dict[str, Any] | None = None,
        caller: Caller | None = None,
        refresh_token: str | None = None,
    ) -> Response:
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        granted = scope.split()
        file_only = FILE_SCOPE in granted and FULL_SCOPE not in granted
        with self.lock:
            self.access[token] = time.time() + self.lifetime
            self.callers[token] = replace(caller or Caller(), file_only=file_only)
            if refresh_token:
                self.issued_from[token] = refresh_token
        body = {
            "access_token": token,
            "expires_in": self.lifetime,
            "scope": scope,
            "token_type": "Bearer",
            **(extra or {}),
        }
        return Response.json(body)

    def _refresh(self, form: dict[str, str]) -> Response:
        token = form.get("refresh_token", "")
        with self.lock:
            self.token_requests.append(TokenRequest("refresh_token", form.get("client_id"), form.get("scope")))
            if not form.get("client_id") or not form.get("client_secret"):
                return _oauth_error("invalid_client", "The OAuth client was not found.", 401)
            if not token or token in self.revoked:
                return _oauth_error("invalid_grant", "Token has been expired or revoked.")
            owner = self.refresh_clients.get(token)
            if owner is not None and owner != form.get("client_id"):
                return _oauth_error("unauthorized_client", "Unauthorized")
            scope = self.refresh.get(token) or form.get("scope") or ("https://www.googleapis.com/auth/drive")
        client = form.get("client_id")
        return self._issue(scope, caller=Caller(self.project_of(client), client), refresh_token=token)

    def _code(self, form: dict[str, str]) -> Response:
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)
            self.token_requests.append(
                TokenRequest("authorization_code", form.get("client_id"), grant["scope"] if grant else None)
            )
        if grant is None or grant["client_id"] != form.get("client_id"):
            return _oauth_error("invalid_grant", "Malformed auth code.")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return _oauth_error("redirect_uri_mismatch", "Bad Request")
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            if grant["method"] == "S256":
                digest = hashlib.sha256(verifier.encode("ascii")).digest()
                computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            else:
                computed = verifier
            if computed != grant["challenge"]:
                return _oauth_error("invalid_grant", "Invalid code verifier.")
        refresh = self.issue_refresh_token(grant["scope"], grant["client_id"])
        extra: dict[str, Any] = {"refresh_token": refresh}
        if self.refresh_lifetime is not None:
            extra["refresh_token_expires_in"] = self.refresh_lifetime
        client = grant["client_id"]
        return self._issue(grant["scope"], extra, Caller(self.project_of(client), client))

    def _jwt(self, form: dict[str, str], req: Request) -> Response:
        assertion = form.get("assertion", "")
        try:
            _header, payload, _sig = assertion.split(".")
            claims = _b64json(payload)
        except (ValueError, UnicodeDecodeError):
            return _oauth_error("invalid_grant", "Invalid JWT.")
        del req
        expected_aud = GOOGLE_TOKEN_AUDIENCE
        record = TokenRequest(
            "jwt-bearer", None, claims.get("scope"), claims.get("sub"), claims.get("iss"), claims.get("aud")
        )
        with self.lock:
            self.token_requests.append(record)
            key = self.trusted_keys.get(str(claims.get("iss")))
        if claims.get("aud") != expected_aud:
            return _oauth_error("invalid_grant", "Invalid JWT: audience does not match.")
        if key is not None:
            from google.auth import jwt

            try:
                jwt.decode(assertion, certs=key, audience=expected_aud)
            except ValueError:
                return _oauth_error("invalid_grant", "Invalid JWT Signature.")
        issuer = str(claims.get("iss") or "")
        project = issuer.split("@", 1)[-1].split(".", 1)[0] if "@" in issuer else DEFAULT_PROJECT
        caller = Caller(project, issuer, service_account=not claims.get("sub"))
        return self._issue(str(claims.get("scope") or ""), caller=caller)

    # -- API request authentication ------------------------------------------------------------

    def check(self, req: Request) -> Caller:
        """Who the request's bearer token belongs to; refused tokens are a 401."""
        header = req.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            raise ApiError(401, "required", "Login Required.", location="Authorization", location_type="header")
        token = header[7:].strip()
        with self.lock:
            expiry = self.access.get(token)
            bad = token in self.revoked or (expiry is not None and expiry <= time.time())
            caller = self.callers.get(token, Caller())
        if bad:
            raise ApiError(401, "authError", "Invalid Credentials", location="Authorization", location_type="header")
        return caller
