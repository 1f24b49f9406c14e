from django.db import migrations


class Migration(migrations.Migration):
    """Suggestions belong to the review app now (review/migrations/0001_initial.py takes the model over):
    the model leaves news's state only; its table, rows, index and constraint stay where they are."""

    dependencies = [
        ("news", "0009_article_sweep_bookkeeping"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Suggestion")],
            database_operations=[],
        ),
    ]
