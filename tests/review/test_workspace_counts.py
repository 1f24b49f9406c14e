"""What keeps the review workspace fast on a long queue (review/selectors.py) without changing what it shows:
filtered counts stop at a cap and say so ("1,000+"), a search is counted exactly, deep pages still open,
next/previous walk the queue's order through ties, dates bound the day in full; on PostgreSQL, the planner
answers from the workspace's indexes (news/migrations/0012 and 0013)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news.models import Article
from review import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def when(day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, 7, day, hour, minute, tzinfo=datetime.UTC)


@pytest.fixture
def small_pages(monkeypatch):
    """A cap of 3 articles and pages of 2, so that a queue of 8 runs past both."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)


@pytest.fixture
def eight():
    """Eight pending English articles about a truce, most relevant first, and one in Arabic."""
    articles = [
        f.ArticleFactory(title=f"Truce talks {n}", text="A truce.", relevance=1 - n / 10, language="en")
        for n in range(8)
    ]
    f.ArticleFactory(title="محادثات", relevance=0.01, language="ar")
    return articles


def queue_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_filtered_count_past_the_cap_is_shown_as_a_lower_bound(client_for, small_pages, eight):
    response = client_for("editor").get(reverse("review:queue"), {"language": "en"})
    text = queue_text(response)
    assert "<strong>9</strong> articles pending; <strong>3+</strong> match the filters." in text
    assert "Page 1 of 2+" in text
    assert [article.title for article, _ in response.context["rows"]] == ["Truce talks 0", "Truce talks 1"]


def test_the_whole_queue_and_a_small_filtered_one_are_counted_exactly(client_for, small_pages, eight):
    client = client_for("editor")
    whole = queue_text(client.get(reverse("review:queue")))
    assert "<strong>9</strong> articles pending." in whole and "Page 1 of 5</span>" in whole
    arabic = queue_text(client.get(reverse("review:queue"), {"language": "ar"}))
    assert "<strong>1</strong> matches the filters." in arabic


def test_a_search_is_counted_exactly(client_for, small_pages, eight):
    text = queue_text(client_for("editor").get(reverse("review:queue"), {"search": "truce"}))
    assert "<strong>8</strong> match the filters." in text and "Page 1 of 4</span>" in text


def test_a_page_past_the_cap_opens_and_leads_on(client_for, small_pages, eight):
    response = client_for("editor").get(reverse("review:queue"), {"language": "en", "page": 3})
    assert [article.title for article, _ in response.context["rows"]] == ["Truce talks 4", "Truce talks 5"]
    text = queue_text(response)
    assert "<strong>6+</strong> match the filters." in text
    assert "page=4" in text and 'rel="next"' in text
    last = client_for("editor").get(reverse("review:queue"), {"language": "en", "page": 4})
    assert [article.title for article, _ in last.context["rows"]] == ["Truce talks 6", "Truce talks 7"]
    assert 'rel="next"' not in last.content.decode()
    assert "<strong>8</strong> match the filters." in queue_text(last)


def test_the_article_view_counts_what_is_left_up_to_the_cap(client_for, small_pages, eight):
    client = client_for("editor")
    url = reverse("review:article", kwargs={"pk": eight[0].pk})
    assert client.get(url).context["remaining"] == "3+"
    assert client.get(url, {"language": "ar"}).context["remaining"] == "1"
    assert client.get(url, {"search": "truce"}).context["remaining"] == "8"


def test_next_and_previous_walk_the_queue_through_ties_of_relevance_and_time(client_for):
    """Equal relevance, equal or missing dates: the order is relevance, then newest (undated last), then id."""
    f.ArticleFactory(relevance=0.9, published_at=when(1))
    tied = [
        f.ArticleFactory(relevance=0.5, published_at=when(3)),
        f.ArticleFactory(relevance=0.5, published_at=when(3)),
        f.ArticleFactory(relevance=0.5, published_at=when(2)),
        f.ArticleFactory(relevance=0.5, published_at=None),
        f.ArticleFactory(relevance=0.5, published_at=None),
    ]
    f.ArticleFactory(relevance=0.1, published_at=when(9))
    order = list(selectors.pending().order_by(*selectors.QUEUE_ORDER))
    assert order[1:6] == [tied[1], tied[0], tied[2], tied[4], tied[3]]
    for index, article in enumerate(order):
        previous, following = selectors.neighbours(article, selectors.pending())
        assert previous == (order[index - 1] if index else None)
        assert following == (order[index + 1] if index + 1 < len(order) else None)


def test_the_dates_bound_whole_days(client_for):
    f.ArticleFactory(title="Before", published_at=when(6, 23, 59))
    f.ArticleFactory(title="First minute", published_at=when(7, 0, 0))
    f.ArticleFactory(title="Last minute", published_at=when(8, 23, 59))
    f.ArticleFactory(title="After", published_at=when(9, 0, 0))
    response = client_for("editor").get(reverse("review:queue"), {"date_from": "2025-07-07", "date_to": "2025-07-08"})
    assert [article.title for article, _ in response.context["rows"]] == ["Last minute", "First minute"]


def plans(run) -> list[str]:
    """The plans of the queries `run()` makes, as PostgreSQL would run them on a large table."""
    with CaptureQueriesContext(connection) as captured:
        run()
    with connection.cursor() as cursor:
        # The tables are nearly empty here, and their statistics are whatever earlier tests left: without a
        # sequential scan or a sort to fall back on, the planner shows which index serves each query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_hashagg = off")
        found = []
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


@pytest.mark.skipif(not POSTGRES, reason="the planner's choice of index: PostgreSQL")
def test_next_and_previous_start_reading_the_queue_index_at_the_article():
    articles = [f.ArticleFactory(relevance=n / 20, published_at=when(1 + n % 9)) for n in range(20)]
    found = {}
    following, previous = plans(lambda: found.update(pair=selectors.neighbours(articles[10], selectors.pending())))
    assert found["pair"] == (articles[11], articles[9])
    assert "Index Scan using news_article_queue_idx" in following and "Index Cond: (relevance <=" in following
    assert "Index Scan Backward using news_article_queue_idx" in previous and "Index Cond: (relevance >=" in previous
    assert "Sort" not in following + previous  # the index holds the whole order


@pytest.mark.skipif(not POSTGRES, reason="the planner's choice of index: PostgreSQL")
def test_the_counts_and_the_last_verdict_are_read_from_their_indexes(role_users):
    f.ArticleFactory(language="en")
    editor = role_users["editor"]
    f.ArticleFactory(review_state=Article.ReviewState.REJECTED, reviewer=editor, reviewed_at=when(2))
    counts, _feeds = plans(selectors.queue_counts)
    assert "using news_article_queue_counts_idx" in counts and "Sort" not in counts, counts
    (verdict,) = plans(lambda: selectors.last_verdict(editor))
    assert "news_article_verdicts_idx" in verdict and "Sort" not in verdict, verdict


@pytest.mark.skipif(not POSTGRES, reason="column statistics: PostgreSQL")
def test_the_mentions_actor_column_keeps_exact_statistics():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'news_mention'::regclass AND attname = 'actor_id'"
        )
        assert cursor.fetchone()[0] == 1000
