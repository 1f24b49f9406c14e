"""/api/v1/ (its index, every resource and the token endpoints), /api/schema/ (OpenAPI 3: YAML, JSON, or a
page in a browser), /api/docs/ and /api/redoc/.

The documentation pages load Swagger UI and ReDoc from this site's static files (the sidecar
package), never from a CDN, so they work offline.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from .sync import DeletionsView
from .views import ApiRootView, LogoutAllView, LogoutView, MeView, OfflineRedocView, SchemaView, TokenCreateView

app_name = "api"

v1 = [
    path("", ApiRootView.as_view(), name="root"),
    path("auth/token/", TokenCreateView.as_view(), name="token-create"),
    path("auth/logout/", LogoutView.as_view(), name="token-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="token-logout-all"),
    path("auth/me/", MeView.as_view(), name="me"),
    path("deletions/", DeletionsView.as_view(), name="deletions"),
    path("", include("actors.api.urls")),
    path("", include("negotiations.api.urls")),
    path("", include("negotiations.api.dashboard_urls")),
    path("", include("news.api.urls")),
    path("", include("review.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", OfflineRedocView.as_view(url_name="api:schema"), name="redoc"),
]
