"""The record's pages: the dashboard, the record pages and the user's calendar address."""

from django.urls import path

from .views import calendar, dashboard, records

urlpatterns = [
    path("", dashboard.track_index, name="dashboard"),
    path("tracks/<slug:slug>/", dashboard.track_detail, name="track"),
    path("tracks/<slug:slug>/who-meets-whom/", dashboard.track_meetings, name="track-meetings"),
    path("actors/<slug:slug>/", records.actor_detail, name="actor"),
    path("meetings/<int:pk>/", records.meeting_detail, name="meeting"),
    path("proposals/<slug:slug>/", records.proposal_detail, name="proposal"),
    path("sticking-points/<slug:slug>/", records.sticking_point_detail, name="sticking-point"),
    path("account/calendar/", calendar.calendar_page, name="calendar-page"),
]
