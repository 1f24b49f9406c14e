import datetime
import io
import json
import logging
import time

import pytest
from django.core.management import CommandError, call_command
from pythonjsonlogger.json import JsonFormatter

from actors.models import Alias
from news import services
from news.models import Article, Feed
from tests import factories as f
from tests.news import feeds

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)

PAGE = (
    "<html><body><article><p>"
    + "Hamas and Israeli negotiators met in Doha through Qatari mediators to discuss the truce and the hostages. " * 8
    + "</p></article></body></html>"
).encode()


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


def serve_feed(server, n: int, path: str = "/feed.xml") -> str:
    items = []
    for i in range(n):
        server.route(f"/story/{path.strip('/')}/{i}", body=PAGE, headers={"Content-Type": "text/html"})
        items.append(
            {"guid": f"{path}-{i}", "title": f"Story {i}", "link": server.url(f"/story/{path.strip('/')}/{i}")}
        )
    server.route(path, body=feeds.rss(items).encode())
    return server.url(path)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_feeds_polls_due_feeds_processes_their_articles_and_summarises(http_server):
    hamas = f.ActorFactory(name="Hamas")
    Alias.objects.create(actor=hamas, name="Hamas", language="en")
    Feed.objects.create(url=serve_feed(http_server, 3), poll_interval=HOUR)
    Feed.objects.create(url=serve_feed(http_server, 2, "/second.xml"), poll_interval=HOUR)
    out, err = run("ingest_feeds")
    assert "Polled 2 feed(s): 5 new, 0 updated, 0 duplicate(s), 0 feed error(s), 0 article(s) failed." in out
    assert "Processing articles" in err and "100%" in err  # the progress bar
    assert Article.objects.filter(processing_state="processed").count() == 5
    assert all(article.mentions.filter(actor=hamas).exists() for article in Article.objects.all())
    out, _ = run("ingest_feeds")
    assert out.strip() == "No feed is due."


def test_ingest_feeds_named_feeds_and_unknown_names(http_server):
    feed = Feed.objects.create(url=serve_feed(http_server, 1), poll_interval=HOUR)
    Feed.objects.create(url=serve_feed(http_server, 1, "/other.xml"), poll_interval=HOUR)
    out, _ = run("ingest_feeds", str(feed.pk))
    assert "Polled 1 feed(s): 1 new" in out
    with pytest.raises(CommandError, match="do not exist"):
        run("ingest_feeds", "999999")


def test_ingest_feeds_reports_a_broken_feed_and_goes_on(http_server):
    http_server.route("/bad.xml", status=500, body=b"down")
    Feed.objects.create(url=http_server.url("/bad.xml"), poll_interval=HOUR)
    Feed.objects.create(url=serve_feed(http_server, 2), poll_interval=HOUR)
    out, _ = run("ingest_feeds")
    assert "2 new" in out and "1 feed error(s)" in out


def test_reprocess_articles_reruns_mention_detection_after_an_alias_change(http_server):
    Feed.objects.create(url=serve_feed(http_server, 2), poll_interval=HOUR)
    run("ingest_feeds")
    qatar = f.StateFactory(name="Qatar")
    assert not Article.objects.filter(mentions__actor=qatar).exists()
    Alias.objects.create(actor=qatar, name="Qatari", language="en")
    out, err = run("reprocess_articles", "--only", "mentions")
    assert "Reprocessed 2 article(s) (mentions); 0 failed." in out
    assert Article.objects.filter(mentions__actor=qatar).distinct().count() == 2


def test_reprocess_articles_retries_failed_ones(http_server):
    Feed.objects.create(url=serve_feed(http_server, 1), poll_interval=HOUR)
    run("ingest_feeds")
    article = Article.objects.get()
    services.article_mark_failed(article_id=article.pk, error="Boom")
    out, _ = run("reprocess_articles", "--failed")
    assert "Reprocessed 1 article(s) (all)" in out
    article.refresh_from_db()
    assert (article.processing_state, article.processing_error) == ("processed", "")


def test_logs_are_structured_json_with_the_call_context(http_server, caplog, settings):
    http_server.route("/down.xml", status=503, body=b"maintenance")
    feed = Feed.objects.create(url=http_server.url("/down.xml"), poll_interval=HOUR)
    with caplog.at_level(logging.WARNING, logger="news.services"):
        services.feed_poll(feed_id=feed.pk)
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    record = next(r for r in caplog.records if r.getMessage() == "feed poll failed")
    line = json.loads(JsonFormatter(**options).format(record))
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert line["level"] == "WARNING" and line["logger"] == "news.services"
    assert line["feed"] == feed.pk and line["consecutive_errors"] == 1 and "503" in line["error"]


def test_ingest_feeds_waits_for_a_busy_host_and_processes_everything(http_server, settings):
    settings.INGEST_HOST_MIN_GAP = 0.3  # each page of the one host must wait for the gap after the last
    Feed.objects.create(url=serve_feed(http_server, 3), poll_interval=HOUR)
    started = time.monotonic()
    out, _ = run("ingest_feeds")
    assert "3 new" in out and "0 article(s) failed" in out
    assert Article.objects.filter(processing_state="processed").count() == 3
    page_times = [r.at for r in http_server.requests if r.path.startswith("/story/")]
    assert len(page_times) == 3  # each page fetched once: a busy host is waited for, not retried blindly
    assert all(b - a >= 0.29 for a, b in zip(page_times, page_times[1:], strict=False))
    assert time.monotonic() - started >= 0.6
