"""The negotiation dashboard: / lists the tracks, /tracks/<slug>/ shows one, as of any day."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from tracker.api.permissions import model_permission

from .. import selectors
from ..forms import TrackDashboardForm
from ..models import (
    Citation,
    Delivery,
    Figure,
    Meeting,
    Participant,
    Phase,
    Position,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    StickingPointStatus,
    Term,
    Track,
    TrackActor,
)

RECORD_MODELS = (
    Track,
    TrackActor,
    Phase,
    Meeting,
    Participant,
    Proposal,
    ProposalEvent,
    Response,
    Term,
    Delivery,
    StickingPoint,
    StickingPointStatus,
    Position,
    Figure,
    Citation,
)
DASHBOARD_READS = [model_permission(model, "view") for model in RECORD_MODELS] + ["actors.view_actor"]
INGESTION_READS = ["news.view_feed", "news.view_article"]


def _forbidden(request):
    return render(
        request,
        "negotiations/dashboard/forbidden.html",
        {"title": "Negotiations", "nav_section": "dashboard"},
        status=403,
    )


@login_required
@require_GET
def track_index(request):
    """Every track: its status and current phase, parties, latest activity and counts."""
    if not request.user.has_perms(DASHBOARD_READS):
        return _forbidden(request)
    tracks = selectors.tracks_overview(today=timezone.now().date())
    return render(
        request,
        "negotiations/dashboard/index.html",
        {"title": "Negotiations", "nav_section": "dashboard", "tracks": tracks},
    )


@login_required
@require_GET
def track_detail(request, slug):
    """One track as it stood on `?as_of=` (default today); a bad parameter is a 400 page that names it."""
    if not request.user.has_perms(DASHBOARD_READS):
        return _forbidden(request)
    track = get_object_or_404(selectors.track_for_dashboard(), slug=slug)
    form = TrackDashboardForm(request.GET)
    context = {"title": track.name, "nav_section": "dashboard", "track": track, "form": form}
    if not form.is_valid():
        return render(request, "negotiations/dashboard/track.html", context, status=400)
    query = form.cleaned_data
    context["dashboard"] = selectors.track_dashboard(
        track,
        today=timezone.now().date(),
        as_of=query["as_of"],
        since=query["since"],
        kind=query["kind"],
        actor=query["actor"],
        page=query["page"],
    )
    if request.user.has_perms(INGESTION_READS):
        context["ingestion"] = selectors.ingestion_health()
    return render(request, "negotiations/dashboard/track.html", context)


@login_required
@require_GET
def track_meetings(request, slug):
    """How often pairs of a track's actors met, month by month, up to `?as_of=` (default today): the part of
    the track page it loads on its own (htmx asks for the fragment), or a page of its own without JavaScript."""
    if not request.user.has_perms(DASHBOARD_READS):
        return _forbidden(request)
    form = TrackDashboardForm(request.GET)
    if not form.is_valid():
        return track_detail(request, slug)  # the track page's 400, naming the parameter
    track = get_object_or_404(Track.objects.only("id", "name", "slug"), slug=slug)
    as_of = form.cleaned_data["as_of"]
    day = as_of or timezone.now().date()
    context = {
        "title": f"Who meets whom: {track.name}",
        "nav_section": "dashboard",
        "track": track,
        "as_of": as_of,
        "day": day,
        "meeting_frequency": selectors.meeting_frequency(track, day),
    }
    fragment = request.headers.get("HX-Request") == "true"
    template = "_meeting_frequency.html" if fragment else "meeting_frequency.html"
    response = render(request, f"negotiations/dashboard/{template}", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
