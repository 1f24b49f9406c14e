from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "Ceasefire negotiation tracker"
admin.site.site_title = "Ceasefire tracker"
admin.site.index_title = "The negotiation record"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
    path("account/login/", auth_views.LoginView.as_view(redirect_authenticated_user=False), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("review/", include("review.urls")),
    path("", include("negotiations.urls")),
]

handler400 = "tracker.views.bad_request"
handler403 = "tracker.views.permission_denied"
handler404 = "tracker.views.page_not_found"
handler500 = "tracker.views.server_error"
