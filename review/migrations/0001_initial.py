import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """The suggestion's content type (and so its permissions and any generic link to it) follows the model."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="review", model="suggestion").exists():
        content_type.objects.using(db).filter(app_label="news", model="suggestion").update(app_label="review")


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="news", model="suggestion").exists():
        content_type.objects.using(db).filter(app_label="review", model="suggestion").update(app_label="news")


class Migration(migrations.Migration):
    """Take over news's Suggestion model and its table (news_suggestion) as they are: state only, no row
    copied (news/migrations/0010_suggestion_moves_to_review.py removed it from news's state)."""

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0010_suggestion_moves_to_review"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Suggestion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("score", models.FloatField()),
                        ("reasons", models.JSONField(default=list)),
                        (
                            "article",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="suggestions",
                                to="news.article",
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "news_suggestion",
                        "indexes": [
                            models.Index(fields=["article", "-score"], name="news_suggestion_article_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("article", "content_type", "object_id"), name="news_suggestion_unique_record"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
