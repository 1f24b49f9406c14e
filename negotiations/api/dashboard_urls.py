"""Dashboard endpoints, on paths that no resource router can capture (negotiations/api/dashboards.py)."""

from django.urls import path

from . import dashboards

urlpatterns = [
    path("timeline/", dashboards.TimelineView.as_view(), name="timeline"),
    path("boards/sticking-points/", dashboards.StickingPointBoardView.as_view(), name="sticking-point-board"),
    path("boards/proposals/", dashboards.ProposalStatesView.as_view(), name="proposal-states"),
    path("proposal-comparison/", dashboards.ProposalComparisonView.as_view(), name="proposal-comparison"),
    path("meeting-pairs/", dashboards.MeetingPairsView.as_view(), name="meeting-pairs"),
    path("calendar/upcoming.ics", dashboards.UpcomingMeetingsCalendarView.as_view(), name="upcoming-calendar"),
    path("calendar/", dashboards.MyCalendarView.as_view(), name="my-calendar"),
    path("calendar/<slug:key>/meetings.ics", dashboards.CalendarFeedView.as_view(), name="calendar-feed"),
]
