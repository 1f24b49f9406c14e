# The record pages read a record's citation history by (content_type, object_id): an index on the pair, so
# the page does not scan every past citation version of that kind of record. simple-history's model state
# has no Meta.indexes to declare it on, hence SQL (the same statement on PostgreSQL and SQLite).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0009_citation_safe_url")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX negotiations_historicalcitation_record_idx "
            "ON negotiations_historicalcitation (content_type_id, object_id)",
            reverse_sql="DROP INDEX negotiations_historicalcitation_record_idx",
        )
    ]
