"""The security headers every answer must carry, checked on every response a test's `client` receives.

tests/conftest.py makes `client` a SecurityHeadersClient, so a page or an API answer added later without
the headers fails whichever test visits it. Only /healthz is exempt: it is answered before any other
middleware (tracker.middleware.HealthCheckMiddleware), for the container health check.
"""

from django.conf import settings
from django.test import Client

from tracker.views import HEALTH_PATH


def assert_security_headers(response, *, secure: bool) -> None:
    where = f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    header = response.headers.get("Content-Security-Policy", "")
    policy = dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";"))
    assert policy.get("frame-ancestors") == "'none'", (where, policy)
    assert policy.get("script-src") == "'self'", (where, policy)
    assert policy.get("object-src") == "'none'", (where, policy)
    if secure and settings.SECURE_HSTS_SECONDS:
        assert response.headers.get("Strict-Transport-Security", "").startswith(
            f"max-age={settings.SECURE_HSTS_SECONDS}"
        ), where
    else:
        assert "Strict-Transport-Security" not in response.headers, where


class SecurityHeadersClient(Client):
    def request(self, **request):
        response = super().request(**request)
        if response.request["PATH_INFO"] != HEALTH_PATH:
            secure = response.request.get("wsgi.url_scheme") == "https" or (
                settings.SECURE_PROXY_SSL_HEADER
                and response.request.get(settings.SECURE_PROXY_SSL_HEADER[0]) == settings.SECURE_PROXY_SSL_HEADER[1]
            )
            assert_security_headers(response, secure=bool(secure))
        return response
