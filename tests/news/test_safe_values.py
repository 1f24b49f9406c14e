"""What ingestion stores is safe for every consumer and valid for the model: only http(s) links, every text
within its column, on SQLite as on PostgreSQL (issue 19). Hostile feeds go through the real path: served
by the local HTTP server, fetched, parsed by feedparser (which resolves relative links against the feed's
URL), stored and processed."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework import status

from negotiations.admin import CitationAdmin
from negotiations.api.serializers import CitationInputSerializer
from negotiations.models import Citation
from news import services
from news.admin import FeedAddForm
from news.api.serializers import FeedUpdateSerializer
from news.models import Article, Feed, FeedPoll, Tombstone
from review import services as review_services
from review.api.serializers import ArticleSerializer
from tests import factories as f
from tests.admin_forms import change_form_data
from tests.api.conftest import send
from tracker.safe_values import ELLIPSIS, url_or_blank

pytestmark = pytest.mark.django_db

# Enough words that the feed's own text is the article: processing fetches no page for these items.
WORDS = " ".join(["mediators"] * 160)
HOSTILE_LINKS = [
    "javascript:window.x=1;void(0)",
    "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",  # leading space
    "&#x20;&#x01;javascript:alert(1)",  # a space and a control character (XML character references)
    "java&#x0A;script:alert(1)",  # a newline inside the scheme
    "jav&#x09;ascript:alert(1)",  # a tab inside the scheme
]
# Read relative to the feed's URL by feedparser: they become links on the feed's own host, or on another.
RESOLVED_LINKS = ["//evil.example/x", "jav&amp;#x09;ascript:alert(1)", "/local/story"]
HOSTILE_HTML = (
    '&lt;p&gt;&lt;a href="javascript:alert(1)"&gt;a&lt;/a&gt; &lt;a href="jav&amp;#x09;ascript:alert(1)"&gt;b&lt;/a&gt;'
    ' &lt;a href="data:text/html,x"&gt;c&lt;/a&gt; &lt;a href="//evil.example/y"&gt;d&lt;/a&gt;'
    ' &lt;a href="https://ok.example/z"&gt;e&lt;/a&gt; {words}&lt;/p&gt;'
)


def rss(items: list[dict], *, title: str = "Hostile desk", link: str = "https://desk.example/", language="en") -> bytes:
    rendered = []
    for item in items:
        guid = f'<guid isPermaLink="false">{item["guid"]}</guid>' if item.get("guid") else ""
        author = f"<dc:creator>{item['author']}</dc:creator>" if item.get("author") else ""
        rendered.append(
            f"<item>{guid}<title>{item.get('title', '')}</title><link>{item.get('link', '')}</link>{author}"
            f"<description>{item.get('description', WORDS)}</description>"
            "<pubDate>Mon, 07 Jul 2025 09:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{title}</title><link>{link}</link><language>{language}</language>"
        f"{''.join(rendered)}</channel></rss>"
    ).encode()


def serve(http_server, body: bytes) -> str:
    return http_server.route("/feed.xml", body=body, headers={"Content-Type": "application/rss+xml; charset=utf-8"})


def assert_safe_link(value: str) -> None:
    assert value == "" or (value.startswith(("http://", "https://")) and url_or_blank(value) == (value, "")), value


def assert_safe_html(markup: str) -> None:
    for href in re.findall(r'href="([^"]*)"', markup):
        assert href.startswith(("http://", "https://")) and url_or_blank(href)[0], markup


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


# 1. Links -------------------------------------------------------------------


def test_hostile_links_are_refused_at_ingestion_and_the_poll_history_says_why(http_server):
    first = [{"guid": f"bad-{n}", "title": f"Bad {n}", "link": link} for n, link in enumerate(HOSTILE_LINKS)]
    serve(http_server, rss(first, link="javascript:alert(document.domain)"))
    feed, summary = services.feed_add(url=http_server.url("/feed.xml"))
    assert summary.new == len(HOSTILE_LINKS)
    assert feed.site_url == ""
    added = feed.polls.get()
    assert "The feed's own link: javascript: links are refused" in added.refusals
    for n in range(len(HOSTILE_LINKS)):
        article = Article.objects.get(guid=f"bad-{n}")
        assert (article.url, article.canonical_url) == ("", ""), HOSTILE_LINKS[n]
        assert f"Bad {n}: " in added.refusals and "Stored without a link." in added.refusals
    for scheme in ("javascript", "data", "vbscript", "file"):
        assert f"{scheme}: links are refused" in added.refusals

    # A later poll: the same items again (nothing new), relative links, HTML with hostile links, an item with
    # a hostile link and no GUID (nothing identifies it: skipped, and said so).
    later = [
        *first,
        *({"guid": f"resolved-{n}", "title": f"Resolved {n}", "link": link} for n, link in enumerate(RESOLVED_LINKS)),
        {"guid": "html", "title": "Links inside", "link": "/html", "description": HOSTILE_HTML.format(words=WORDS)},
        {"title": "No identity", "link": "javascript:alert(2)"},
    ]
    serve(http_server, rss(later))
    poll = services.feed_poll(feed_id=feed.pk)
    assert poll.outcome == FeedPoll.Outcome.OK and poll.new_count == len(RESOLVED_LINKS) + 1
    assert "No identity: javascript: links are refused: only http and https URLs are kept. Item skipped." in (
        poll.refusals.splitlines()
    )
    assert Article.objects.get(guid="resolved-0").url == "http://evil.example/x"  # absolute http: a link
    assert Article.objects.get(guid="resolved-2").url == http_server.url("/local/story")
    services.articles_process(article_ids=list(Article.objects.values_list("pk", flat=True)))

    assert Article.objects.filter(processing_state=Article.ProcessingState.PROCESSED).count() == Article.objects.count()
    assert not [request.path for request in http_server.requests if request.path != "/feed.xml"]  # no page fetched
    for article in Article.objects.all():
        assert_safe_link(article.url)
        assert_safe_link(article.canonical_url)
        for markup in (article.summary, article.feed_content, article.content_html):
            assert_safe_html(markup)
        article.full_clean()
    html = Article.objects.get(guid="html").summary
    # The javascript: and data: links are gone; feedparser made the others absolute (the obfuscated one a path
    # on the feed's own host): every link left is an absolute http(s) URL.
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "https://ok.example/z" in hrefs and "http://evil.example/y" in hrefs and len(hrefs) == 3, hrefs


def test_accepting_an_article_without_a_link_cites_it_without_one(http_server):
    links = [{"guid": guid, "title": guid, "link": "javascript:alert(1)"} for guid in ("bad", "worse")]
    serve(http_server, rss(links))
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    article, other = feed.articles.order_by("guid")
    suggestion = f.SuggestionFactory(article=article)
    (citation,) = review_services.article_accept(article=article, reviewer=None, suggestion_ids=[suggestion.pk])
    assert citation.url == "" and citation.article == article
    citation.full_clean()
    # Rejecting the other leaves its (blank) tombstone inert: ingestion looks up non-blank URLs only.
    review_services.article_reject(article=other, reviewer=None, reason="Noise.")
    serve(http_server, rss([*links, {"guid": "n", "link": "/n"}]))
    assert services.feed_poll(feed_id=feed.pk).new_count == 1
    assert Tombstone.objects.filter(canonical_url="").count() == 1


UNSAFE_INPUT = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://files.example/leak",  # Django's own URLValidator accepts ftp
    "//evil.example/x",
    "jav&#x09;ascript:alert(1)",
    "java\nscript:alert(1)",
    "https://ok.example/\x01",
]


@pytest.mark.parametrize("value", UNSAFE_INPUT)
def test_the_api_refuses_an_unsafe_link_naming_the_field(client_for, value, network_guard):
    editor = client_for("editor")
    meeting = f.MeetingFactory()
    payload = {"record_type": "negotiations.meeting", "record_id": meeting.pk, "url": value}
    response = send(editor, "post", reverse("api:citation-list"), payload)
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert list(response.json()) == ["url"], response.json()
    feed = send(editor, "post", reverse("api:feed-list"), {"url": value})
    assert feed.status_code == status.HTTP_400_BAD_REQUEST and list(feed.json()) == ["url"], feed.json()
    assert not Citation.objects.exists() and not Feed.objects.exists()
    assert not network_guard.connects  # refused before any fetch


@pytest.mark.parametrize("value", UNSAFE_INPUT)
def test_the_admin_forms_refuse_an_unsafe_link_naming_the_field(rf, role_users, value, network_guard):
    request = rf.get("/")
    request.user = role_users["administrator"]
    form_class = CitationAdmin(Citation, admin.site).get_form(request)
    meeting = f.MeetingFactory()
    data = {"content_type": ContentType.objects.get_for_model(meeting).pk, "object_id": meeting.pk, "url": value}
    form = form_class(data)
    assert not form.is_valid() and "url" in form.errors, form.errors
    feed_form = FeedAddForm({"url": value, "poll_interval": "01:00:00", "active": True})
    assert not feed_form.is_valid() and "url" in feed_form.errors, feed_form.errors
    assert not network_guard.connects


def test_the_data_migrations_clean_stored_links():
    feed = f.FeedFactory()
    safe = f.ArticleFactory(feed=feed)
    hostile = f.ArticleFactory(feed=feed)
    spaced = f.ArticleFactory(feed=feed)
    Article.objects.filter(pk=hostile.pk).update(
        url="javascript:alert(1)",
        canonical_url="data:text/html,x",
        summary='<p><a href="//evil.example/">a</a> <a href="/rel">b</a> <a href="https://ok.example/">c</a></p>',
    )
    Article.objects.filter(pk=spaced.pk).update(url="  HTTPS://ok.example/a b", canonical_url="https://ok.example/a b")
    Feed.objects.filter(pk=feed.pk).update(site_url="vbscript:x")
    meeting = f.MeetingFactory()
    linked = f.CitationFactory(record=meeting, article=safe)
    external = f.CitationFactory(record=meeting)
    Citation.objects.filter(pk=linked.pk).update(url="javascript:alert(1)")
    Citation.objects.filter(pk=external.pk).update(url="file:///etc/passwd")  # it cites nothing: deleted

    importlib.import_module("news.migrations.0011_safe_urls").clean_stored_urls(apps, None)
    importlib.import_module("negotiations.migrations.0009_citation_safe_url").clean_citation_urls(apps, None)

    hostile.refresh_from_db()
    spaced.refresh_from_db()
    assert (hostile.url, hostile.canonical_url) == ("", "")
    assert hostile.summary == '<p><a rel="noopener noreferrer">a</a> <a rel="noopener noreferrer">b</a> ' + (
        '<a href="https://ok.example/" rel="noopener noreferrer">c</a></p>'
    )
    assert (spaced.url, spaced.canonical_url) == ("https://ok.example/a%20b", "https://ok.example/a%20b")
    assert Feed.objects.get(pk=feed.pk).site_url == ""
    assert Citation.objects.get(pk=linked.pk).url == ""
    assert not Citation.objects.filter(pk=external.pk).exists()
    for row in (*Article.objects.all(), *Feed.objects.all(), *Citation.objects.all()):
        row.full_clean()
    assert not hostile.history.filter(url__startswith="javascript").exists()


# 2. Every text fits its column ------------------------------------------------


def long_words(word: str, length: int) -> str:
    return " ".join([word] * (length // (len(word) + 1) + 2))


def page_with_long_author(author: str) -> bytes:
    paragraphs = "".join(f"<p>Paragraph {n}: the mediators met again\x00 in Doha for talks.</p>" for n in range(30))
    return (
        f'<html lang="en"><head><title>Talks</title><meta name="author" content="{author}"></head>'
        f"<body><article><h1>Talks</h1>{paragraphs}</article></body></html>"
    ).encode()


def test_over_long_values_are_fitted_through_every_ingestion_path_and_saved_by_admin_and_api(http_server, client_for):
    feed_title = long_words("Ceasefire", 400)  # over Feed.title (300) and Article.publisher (200)
    items = [
        {
            "guid": "g" * 1500,
            "title": long_words("Negotiations", 1500),
            "author": long_words("Correspondent", 500),
            "link": "/long",
        },
        {"guid": "arabic", "title": long_words("مفاوضات", 1200), "link": "/arabic"},
        {  # a short summary: processing fetches the page, whose byline is too long for the column
            "guid": "page",
            "title": "Page",
            "link": "/page",
            "description": "Short summary.",
        },
    ]
    http_server.route("/page", body=page_with_long_author(long_words("Reporter", 600)))
    serve(http_server, rss(items[:1], title=feed_title, language="x" * 40))
    feed, _ = services.feed_add(url=http_server.url("/feed.xml"))
    serve(http_server, rss(items, title=feed_title, language="x" * 40))
    services.feed_poll(feed_id=feed.pk)
    outcome = services.articles_process(article_ids=list(Article.objects.values_list("pk", flat=True)))
    assert not outcome.failed and len(outcome.processed) == 3

    feed.refresh_from_db()
    assert len(feed.title) <= 300 and feed.title.endswith(f"Ceasefire{ELLIPSIS}")
    assert len(feed.language) <= 16
    first = Article.objects.get(guid__startswith="ggg")
    assert len(first.title) <= 1000 and first.title.endswith(f"Negotiations{ELLIPSIS}")
    assert len(first.author) <= 300 and first.author.endswith(f"Correspondent{ELLIPSIS}")
    assert len(first.publisher) <= 200 and first.publisher.endswith(f"Ceasefire{ELLIPSIS}")
    assert len(first.guid) <= 1000
    assert Article.objects.get(guid="arabic").title.endswith(f"مفاوضات{ELLIPSIS}")
    paged = Article.objects.get(guid="page")
    assert paged.raw_html and "\x00" not in paged.raw_html and "\x00" not in paged.text
    assert len(paged.author) <= 300 and paged.author.endswith(f"Reporter{ELLIPSIS}")

    admin = client_for("administrator")
    for article in Article.objects.all():
        article.full_clean()
        data = ArticleSerializer(article).data
        fields = ("url", "canonical_url", "title", "publisher", "author", "language", "summary", "review_note")
        serializer = ArticleSerializer(article, data={name: data[name] for name in fields}, partial=True)
        assert serializer.is_valid(), serializer.errors
        url = reverse("admin:news_article_change", args=[article.pk])
        saved = admin.post(url, change_form_data(admin.get(url)))
        assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    feed.full_clean()
    serializer = FeedUpdateSerializer(
        feed, data={"title": feed.title, "publisher": feed.publisher, "language": feed.language}
    )
    assert serializer.is_valid(), serializer.errors
    url = reverse("admin:news_feed_change", args=[feed.pk])
    saved = admin.post(url, change_form_data(admin.get(url)))
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved

    suggestion = f.SuggestionFactory(article=first)
    (citation,) = review_services.article_accept(article=first, reviewer=None, suggestion_ids=[suggestion.pk])
    citation.full_clean()
    data = {"url": citation.url, "title": citation.title, "publisher": citation.publisher}
    assert CitationInputSerializer(citation, data=data, partial=True).is_valid()
