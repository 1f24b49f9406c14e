"""Articles over the API as the review queue shows them: their mentions, suggested records and duplicate
links; and the inputs of the review transitions."""

from rest_framework import serializers

from news.api.serializers import FeedBriefSerializer, MentionSerializer
from news.models import Article
from review import services
from review.models import Suggestion
from tracker.api.filters import MAX_ID
from tracker.api.serializers import IdRelatedField, StrictSerializer

# Output ---------------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer):
    """A record the article may support; accepting the article with this id cites it there."""

    record_type = serializers.SerializerMethodField()
    record_id = serializers.IntegerField(source="object_id", read_only=True)
    record_label = serializers.SerializerMethodField()
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Suggestion
        fields = ("id", "record_type", "record_id", "record_label", "score", "reasons")

    def get_record_type(self, suggestion: Suggestion) -> str:
        return f"{suggestion.content_type.app_label}.{suggestion.content_type.model}"

    def get_record_label(self, suggestion: Suggestion) -> str | None:
        return str(suggestion.record) if suggestion.record is not None else None


class ArticleSerializer(serializers.ModelSerializer):
    feed = FeedBriefSerializer(allow_null=True)
    reviewer = serializers.CharField(source="reviewer.username", allow_null=True, read_only=True)
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True, read_only=True)
    story = serializers.IntegerField(source="story_id", allow_null=True, read_only=True)
    duplicates = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Articles marked as duplicates of this one."
    )
    mentions = MentionSerializer(many=True)
    suggestions = SuggestionSerializer(many=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "feed",
            "url",
            "canonical_url",
            "title",
            "publisher",
            "author",
            "published_at",
            "language",
            "summary",
            "relevance",
            "processing_state",
            "review_state",
            "reviewer",
            "reviewed_at",
            "review_note",
            "duplicate_of",
            "story",
            "duplicates",
            "revision",
            "mentions",
            "suggestions",
            "created_at",
            "updated_at",
        )


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its extracted main text."""

    class Meta(ArticleSerializer.Meta):
        fields = (*ArticleSerializer.Meta.fields, "text")


# Input ----------------------------------------------------------------------


class AcceptSerializer(StrictSerializer):
    suggestions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=100,
        help_text="Ids of this article's suggestions to turn into citations of their records.",
    )
    quote = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        max_length=20000,
        help_text="A passage of the article (its title or text; runs of white space count as one space) that "
        "supports the chosen records; every citation made carries it.",
    )
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)

    def validate_quote(self, quote: str) -> str:
        try:
            return services.quote_in_article(self.context["article"], quote)
        except services.ReviewError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_suggestions(self, ids: list[int]) -> list[int]:
        article = self.context["article"]
        own = set(article.suggestions.filter(pk__in=ids).values_list("pk", flat=True))
        unknown = [str(pk) for pk in ids if pk not in own]
        if unknown:
            raise serializers.ValidationError(f"Not suggestions of this article: {', '.join(unknown)}.")
        return ids


class RejectSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=5000, help_text="Why; ingestion never brings the article back.")


class MarkDuplicateSerializer(StrictSerializer):
    original = IdRelatedField(queryset=Article.objects.only("id", "duplicate_of_id"))
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)

    def validate_original(self, original: Article) -> Article:
        if original.pk == self.context["article"].pk:
            raise serializers.ValidationError("An article cannot duplicate itself.")
        return original
