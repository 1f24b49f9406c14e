"""Login protection's pieces that django-axes asks the project for (settings.AXES_*)."""

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle

LOCKED_OUT = "Too many failed logins from this address or for this username: try again later."


def client_address(request: HttpRequest) -> str:
    """The client's address, found as the API's throttles find it (REST_FRAMEWORK["NUM_PROXIES"])."""
    return BaseThrottle().get_ident(request)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """429 with Retry-After: JSON for the API (as its other errors), plain text for the admin's login page."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": LOCKED_OUT}, status=429)
    else:
        response = HttpResponse(LOCKED_OUT, status=429, content_type="text/plain; charset=utf-8")
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
