"""Pages of the negotiation record outside the admin: the user's calendar address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tracker.api.permissions import model_permission

from .. import services
from ..models import CalendarFeed, Meeting, Participant

CALENDAR_READS = [model_permission(model, "view") for model in (Meeting, Participant)] + ["actors.view_actor"]


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    """The user's secret calendar address, with buttons to issue a new one or revoke it."""
    may_read = request.user.has_perms(CALENDAR_READS)
    if request.method == "POST" and may_read:
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, "Calendar address revoked: calendars subscribed to it get nothing more.")
        else:
            services.calendar_feed_issue(user=request.user)
            messages.success(request, "New calendar address issued; the previous one no longer works.")
        return redirect("calendar-page")
    feed = CalendarFeed.objects.filter(user=request.user).first() if may_read else None
    url = request.build_absolute_uri(reverse("api:calendar-feed", args=[feed.key])) if feed else None
    return render(
        request,
        "negotiations/calendar.html",
        {
            "title": "Your calendar address",
            "feed": feed,
            "url": url,
            "may_read": may_read,
            "past_days": settings.CALENDAR_PAST_DAYS,
        },
        status=200 if may_read else 403,
    )
