"""Logins, signed session cookies, CSRF tokens and API bearer tokens.

Passwords are stored as scrypt hashes (`python run.py hash-password`). A session is a signed cookie
(HttpOnly, SameSite=Strict); every state-changing form carries a CSRF token derived from the session.
API clients send `Authorization: Bearer <token>` and need no CSRF token (they carry no cookies).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SESSION_COOKIE = "monitor_session"
SESSION_SECONDS = 12 * 3600      # one shift


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = hash_password(password, base64.b64decode(salt)).split("$")[2]
    return hmac.compare_digest(expected, digest)


class Signer:
    def __init__(self, secret: bytes | None = None):
        self.secret = secret or secrets.token_bytes(32)

    def _sign(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()

    def session(self, user: str, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        value = f"{user}|{expires}"
        return f"{value}|{self._sign(value)}"

    def user_of(self, cookie: str | None, now: float | None = None) -> str | None:
        if not cookie or cookie.count("|") != 2:
            return None
        user, expires, signature = cookie.split("|")
        if not hmac.compare_digest(signature, self._sign(f"{user}|{expires}")):
            return None
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return None
        return user

    def csrf(self, cookie: str) -> str:
        return self._sign("csrf:" + cookie)

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        return bool(cookie and token and hmac.compare_digest(self.csrf(cookie), token))
