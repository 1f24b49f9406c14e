"""Token authentication: knox's tokens, sent as `Authorization: Token <token>` or, as OAuth 2 clients and
most HTTP libraries send a bearer token (RFC 6750), `Authorization: Bearer <token>`."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

SCHEMES = (b"token", b"bearer")


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in SCHEMES:
            return None  # another scheme (or none): for another authentication class
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give the scheme, a space and the token."))
        return self.authenticate_credentials(auth[1])
