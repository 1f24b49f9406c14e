from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from news import services as news_services
from tracker.api.conditional import ConditionalMixin
from tracker.api.views import RecordViewSet, SyncedListMixin

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


class ArticleViewSet(
    ConditionalMixin,
    SyncedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Ingested articles with their detected mentions, suggested records and duplicate links.

    Articles arrive by ingestion only. Editors review them: accept (chosen suggestions become
    citations), reject with a reason (ingestion never brings the article back), mark as a duplicate,
    or delete (also a tombstone)."""

    filterset_class = filters.ArticleFilter
    ordering_fields = ("published_at", "relevance", "reviewed_at", "created_at", "updated_at")
    ordering = ("-published_at",)
    action_permissions = {"accept": "change", "reject": "change", "mark_duplicate": "change"}

    def get_queryset(self):
        return selectors.articles_for_api(with_text=self.action == "retrieve")

    def get_serializer_class(self):
        return serializers.ArticleDetailSerializer if self.action != "list" else serializers.ArticleSerializer

    def perform_destroy(self, instance):
        news_services.article_delete(article=instance)

    def _review(self, request, input_class, transition, error_field: str):
        article = self.get_object()
        payload = input_class(data=request.data, context={**self.get_serializer_context(), "article": article})
        payload.is_valid(raise_exception=True)
        try:
            transition(article=article, reviewer=request.user, **payload.validated_data)
        except news_services.ReviewError as error:
            raise ValidationError({error_field: [str(error)]}) from error
        return Response(serializers.ArticleDetailSerializer(self.get_queryset().get(pk=article.pk)).data)

    @extend_schema(request=serializers.AcceptSerializer, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the article; each chosen suggestion becomes a citation of its record."""

        def transition(*, article, reviewer, suggestions, note):
            news_services.article_accept(article=article, reviewer=reviewer, suggestion_ids=suggestions, note=note)

        return self._review(request, serializers.AcceptSerializer, transition, "suggestions")

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the article with a reason; a tombstone keeps ingestion from bringing it back."""
        return self._review(request, serializers.RejectSerializer, news_services.article_reject, "reason")

    @extend_schema(request=serializers.MarkDuplicateSerializer, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request, pk=None):
        """Mark the article as a duplicate of `original` (or of the story that one already duplicates)."""
        return self._review(
            request, serializers.MarkDuplicateSerializer, news_services.article_mark_duplicate, "original"
        )
