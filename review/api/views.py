"""The review queue over the API: articles with their mentions and suggestions, and the transitions
(accept, reject, mark as a duplicate). A transition another editor won first is a 409 naming who decided
what, and when."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from news import services as news_services
from review import services
from tracker.api.conditional import ConditionalMixin
from tracker.api.exceptions import Conflict
from tracker.api.views import SyncedListMixin

from . import filters, selectors, serializers


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
        except services.ReviewConflict as error:  # another editor (or processing) decided first
            raise Conflict(str(error)) from error
        except services.ReviewError as error:
            raise ValidationError({error_field: [str(error)]}) from error
        return Response(serializers.ArticleDetailSerializer(self.get_queryset().get(pk=article.pk)).data)

    @extend_schema(request=serializers.AcceptSerializer, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the article; each chosen suggestion becomes a citation of its record."""

        def transition(*, article, reviewer, suggestions, quote, note):
            services.article_accept(
                article=article, reviewer=reviewer, suggestion_ids=suggestions, quote=quote, note=note
            )

        return self._review(request, serializers.AcceptSerializer, transition, "suggestions")

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the article with a reason; a tombstone keeps ingestion from bringing it back."""
        return self._review(request, serializers.RejectSerializer, services.article_reject, "reason")

    @extend_schema(request=serializers.MarkDuplicateSerializer, responses=serializers.ArticleDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request, pk=None):
        """Mark the article as a duplicate of `original` (or of the story that one already duplicates)."""
        return self._review(request, serializers.MarkDuplicateSerializer, services.article_mark_duplicate, "original")
