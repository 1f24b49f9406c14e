"""Pages under /account/: the user's calendar address."""

from django.urls import path

from . import views

urlpatterns = [path("calendar/", views.calendar_page, name="calendar-page")]
