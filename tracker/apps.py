from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from . import (
            lookups,  # noqa: F401 - registers the `any_of` lookup on every field
            signals,  # noqa: F401 - the audit log's receivers
        )
