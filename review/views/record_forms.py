"""From an article to the record: forms pre-filled from the article, saved with their citation."""

from django.http import Http404


def record_form(request, pk, kind):
    raise Http404("Not built yet")
