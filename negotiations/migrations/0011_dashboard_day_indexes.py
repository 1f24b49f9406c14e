# Date indexes for the dashboard: each track's latest proposal event, response and position (the track
# index's "last activity") and the track page's timeline are read newest first, walking these indexes down
# to the track's first rows instead of reading every row of the track.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("negotiations", "0010_historicalcitation_record_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="position",
            index=models.Index(fields=["stated_on", "id"], name="neg_position_day_idx"),
        ),
        migrations.AddIndex(
            model_name="proposalevent",
            index=models.Index(fields=["occurred_on", "id"], name="neg_event_day_idx"),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["responded_on", "id"], name="neg_response_day_idx"),
        ),
    ]
