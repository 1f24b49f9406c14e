from django.apps import AppConfig


class ApiConfig(AppConfig):
    """An app so that the API's management command (issue_token) is found, and the freshness signals
    connected (tracker/api/freshness.py); it has no models."""

    name = "tracker.api"
    label = "tracker_api"
    verbose_name = "REST API"

    def ready(self):
        from . import freshness

        freshness.connect()
