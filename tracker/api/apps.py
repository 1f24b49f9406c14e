from django.apps import AppConfig


class ApiConfig(AppConfig):
    """An app so that the API's management command (issue_token) is found; it has no models."""

    name = "tracker.api"
    label = "tracker_api"
    verbose_name = "REST API"
