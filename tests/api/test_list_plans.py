"""List pages are read off an index in their default order, not sorted whole (bench/api showed a
sort of every row per page); and empty values still come last."""

import datetime

import pytest
from django.db import connection
from django.db.models.expressions import OrderBy
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Meeting
from news.models import Article
from tests import factories as f
from tracker.api.filters import order_term

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def test_columns_that_cannot_be_empty_are_ordered_plainly():
    assert order_term(Meeting, "-starts_at") == "-starts_at"
    assert order_term(Meeting, "title") == "title"
    nullable = order_term(Article, "-published_at")
    assert isinstance(nullable, OrderBy) and nullable.descending and nullable.nulls_last
    status = order_term(Meeting, "-status_rank")  # not a column (an annotation): may be empty
    assert isinstance(status, OrderBy) and status.nulls_last


def test_articles_without_a_date_come_last_in_both_directions(client_for):
    client = client_for("viewer")
    undated = f.ArticleFactory(published_at=None)
    dated = [f.ArticleFactory(published_at=datetime.datetime(2025, 7, day, tzinfo=datetime.UTC)) for day in (6, 7)]
    url = reverse("api:article-list")
    newest_first = [row["id"] for row in client.get(url).json()["results"]]
    oldest_first = [row["id"] for row in client.get(url, {"ordering": "published_at"}).json()["results"]]
    assert newest_first == [dated[1].pk, dated[0].pk, undated.pk]
    assert oldest_first == [dated[0].pk, dated[1].pk, undated.pk]


def page_query(client, url: str) -> str:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    (sql,) = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]][:1]
    return sql


@pytest.mark.skipif(not POSTGRES, reason="query plans: PostgreSQL")
@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("meeting", "neg_meeting_start_idx"),
        ("article", "news_article_list_idx"),
        ("proposal", "neg_proposal_title_idx"),
    ],
)
def test_a_default_list_page_is_read_off_an_index(client_for, name, index):
    client = client_for("viewer")
    f.MeetingFactory.create_batch(3)
    f.ArticleFactory.create_batch(3)
    f.ProposalFactory.create_batch(3)
    sql = page_query(client, reverse(f"api:{name}-list"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # three rows: the planner would rather scan
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
