"""The negotiation dashboard: / lists the tracks, /tracks/<slug>/ shows one."""

from django.http import Http404


def track_index(request):
    raise Http404("Not built yet")


def track_detail(request, slug):
    raise Http404("Not built yet")
