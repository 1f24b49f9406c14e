"""Request rates per token (or session user) and per client address; over the rate: 429 with Retry-After.

The rates are read at each request from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], so a deployment
(or a test) that changes them needs no restart of class attributes.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(_SettingsRateThrottle):
    """Per knox token (each dashboard its own budget), or per user for browser sessions."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "digest"):
            ident = f"token-{token.digest[:32]}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(_SettingsRateThrottle):
    """Per client address, whoever is asking (NUM_PROXIES says how far to trust X-Forwarded-For)."""

    scope = "address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginRateThrottle(AddressRateThrottle):
    """Password attempts per address, far stricter than reads."""

    scope = "login"
