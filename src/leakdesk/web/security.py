"""Access rules for the review server: loopback only, a per-run token, CSRF, CSP.

- The server binds to 127.0.0.1 only.
- A random token is made per run; the first URL printed carries it
  (``/?token=...``).  The first request with the right token gets an HttpOnly,
  SameSite=Strict cookie and is redirected to the same URL without the token.
  Every request without the right cookie or token gets 401 (none given) or 403
  (a wrong one).
- The Host header must be 127.0.0.1:PORT or localhost:PORT (no DNS rebinding).
- State-changing requests (POST) must carry the per-run CSRF token in the
  ``X-CSRF-Token`` header or a ``csrf`` form field, and an Origin, if sent, of
  this server.
- Every response carries a strict Content-Security-Policy (no inline script,
  nothing from outside), no-store caching, no referrer, and no framing.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

COOKIE = "leakdesk_session"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@dataclass(slots=True)
class Secrets:
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    port: int = 0

    def token_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value), self.token)

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value), self.csrf)

    def host_ok(self, host: str | None) -> bool:
        if not host:
            return False
        if self.port == 0:  # tests with an in-process client
            return host.split(":")[0] in ("127.0.0.1", "localhost", "testserver")
        return host in (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def origin_ok(self, origin: str | None) -> bool:
        if origin is None or origin == "null":  # the CSRF token still has to match
            return True
        if self.port == 0:
            return origin in ("http://testserver", "http://127.0.0.1", "http://localhost")
        return origin in (f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}")
