"""Drop four foreign-key indexes that a composite index or unique constraint already leads with.

Processing an article replaces its ~20 mentions, 32 band keys and its suggestions; each
index on those tables is one more to update per row. The columns stay indexed (as the
first column of news_mention_unique_span, news_mention_actor_idx, news_articleband_one_per_band
and news_suggestion_article_idx). Only the indexes are dropped: Django's AlterField would also
drop and re-add the foreign keys (re-validating every row) and, on SQLite, rebuild the tables.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    "news_articleband_article_id_9911e804",
    "news_mention_actor_id_aead5ba6",
    "news_mention_article_id_bc64aa10",
    "news_suggestion_article_id_ca132563",
]


def fk(to: str, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to=to
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("news", "0006_article_list_order_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in DROPPED],
                    reverse_sql=[
                        'CREATE INDEX IF NOT EXISTS "news_articleband_article_id_9911e804" '
                        'ON "news_articleband" ("article_id")',
                        'CREATE INDEX IF NOT EXISTS "news_mention_actor_id_aead5ba6" ON "news_mention" ("actor_id")',
                        'CREATE INDEX IF NOT EXISTS "news_mention_article_id_bc64aa10" ON "news_mention" ("article_id")',
                        'CREATE INDEX IF NOT EXISTS "news_suggestion_article_id_ca132563" '
                        'ON "news_suggestion" ("article_id")',
                    ],
                )
            ],
            state_operations=[
                migrations.AlterField("articleband", "article", fk("news.article", "bands")),
                migrations.AlterField("mention", "actor", fk("actors.actor", "mentions")),
                migrations.AlterField("mention", "article", fk("news.article", "mentions")),
                migrations.AlterField("suggestion", "article", fk("news.article", "suggestions")),
            ],
        )
    ]
