from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
HEALTH_PATH = "/healthz"


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the container health check (answered by
    tracker.middleware.HealthCheckMiddleware whatever the Host header)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Errors Django answers itself, before (or instead of) any view: a URL that matches no route, a request it
# refuses as suspicious, an exception no view handled. Under /api/ they are JSON `{"detail": ...}`, as the
# API's own errors are (tracker/api/exceptions.py), so a client never has to parse an HTML page; elsewhere
# they are Django's pages.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found: no such resource or record at this address."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest):
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return defaults.server_error(request)
