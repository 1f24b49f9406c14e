"""What review adds to an ingested article: the records it may support, scored, for an editor to cite."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models


class Suggestion(models.Model):
    """A scored suggestion that an article supports a record (a meeting, a proposal or a sticking point)."""

    article = models.ForeignKey(  # no index of its own: news_suggestion_article_idx leads with it
        "news.Article", on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    score = models.FloatField()
    reasons = models.JSONField(default=list)

    class Meta:
        # The model moved here from news (review/migrations/0001_initial.py): its table, index and constraint
        # keep the names they had there, so the move copied no row and rebuilt no index.
        db_table = "news_suggestion"
        indexes = [models.Index(fields=["article", "-score"], name="news_suggestion_article_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "content_type", "object_id"], name="news_suggestion_unique_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} ({self.score:.2f})"
