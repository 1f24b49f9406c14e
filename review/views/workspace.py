"""The review workspace: editors clear the pending queue from the keyboard."""

from django.http import Http404


def queue(request):
    raise Http404("Not built yet")


def article(request, pk):
    raise Http404("Not built yet")
