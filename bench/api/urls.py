"""The project's URLs, plus the benchmark's two other implementations: /bench/drf/… and /bench/floor/…"""

from django.urls import include, path

from .baseline import drf_router, floor_urls

urlpatterns = [
    path("bench/drf/", include(drf_router.urls)),
    path("bench/floor/", include(floor_urls)),
    path("", include("tracker.urls")),
]
