"""Record pages: an actor, a meeting, a proposal, a sticking point, with citations, history and links."""

from django.http import Http404


def actor_detail(request, slug):
    raise Http404("Not built yet")


def meeting_detail(request, pk):
    raise Http404("Not built yet")


def proposal_detail(request, slug):
    raise Http404("Not built yet")


def sticking_point_detail(request, slug):
    raise Http404("Not built yet")
