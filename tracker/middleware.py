"""Project-wide middleware."""

from django.contrib import messages

from . import queue, views


class HealthCheckMiddleware:
    """Answer /healthz before anything looks at the Host header: a container's health check calls
    http://127.0.0.1:8000/healthz, and 127.0.0.1 is rarely among an operator's ALLOWED_HOSTS (Django would
    answer 400 and the orchestrator restart a healthy web service). First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == views.HEALTH_PATH:
            return views.healthz(request)
        return self.get_response(request)


class DeferredWorkMiddleware:
    """Tell the client when work its request queued could not be sent (tracker.queue): the write itself
    was committed, and the work will run once the task queue is back.

    API answers carry a `Deferred-Work` header naming the tasks; pages also show a warning. It sits after
    MessageMiddleware, so the warning is stored with the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = queue.collect_deferred()
        try:
            response = self.get_response(request)
        finally:
            names = queue.deferred(token)
        if names:
            response["Deferred-Work"] = ", ".join(dict.fromkeys(names))
            if hasattr(request, "_messages"):
                messages.warning(
                    request,
                    "Saved, but the task queue could not be reached: the background work "
                    "(polling, processing) will run once it is back.",
                )
        return response
