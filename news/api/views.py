"""Feeds over the API. The articles' endpoint is the review queue's: review/api/views.py."""

from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from tracker.api.views import RecordViewSet

from . import filters, selectors, serializers, services


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class FeedViewSet(RecordViewSet):
    """News feeds polled by the ingestion, with their health.

    Add a feed by URL: the one request to the site checks it, names it and brings its first items
    (queued for processing); an unreadable feed is a 400 saying why."""

    serializer_class = serializers.FeedSerializer
    filterset_class = filters.FeedFilter
    ordering_fields = ("title", "url", "last_success_at", "next_poll_at", "consecutive_errors", "created_at")
    ordering = ("title",)
    action_permissions = {"poll": "change"}

    @property
    def input_serializer_class(self):
        return serializers.FeedCreateSerializer if self.action == "create" else serializers.FeedUpdateSerializer

    def dispatch(self, request, *args, **kwargs):
        """Every request in one transaction, as ATOMIC_REQUESTS gives the other views, except adding a feed:
        its fetch of the site must not hold a transaction open (the service writes in one of its own).
        Called inside a caller's transaction all the same (a test case), it takes a savepoint, so that its
        failure rolls back its own work only."""
        if request.method == "POST" and "pk" not in kwargs and not transaction.get_connection().in_atomic_block:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.feeds_for_api()

    def write(self, *, instance, data: dict):
        if instance is None:
            return services.feed_add_by_url(**data)
        return super().write(instance=instance, data=data)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def poll(self, request, pk=None):
        """Poll the feed now (queued); the result shows in its health."""
        services.feed_poll_soon(feed=self.get_object())
        return Response(status=status.HTTP_202_ACCEPTED)
