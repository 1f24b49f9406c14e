from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "Ceasefire negotiation tracker"
admin.site.site_title = "Ceasefire tracker"
admin.site.index_title = "The negotiation record"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
    path("account/", include("negotiations.urls")),
]

handler400 = "tracker.views.bad_request"
handler403 = "tracker.views.permission_denied"
handler404 = "tracker.views.page_not_found"
handler500 = "tracker.views.server_error"
