"""From a feed item to a reviewable article: page, text, language, story, mentions, suggestions, relevance."""

import datetime

import pytest

from actors.models import Alias
from news import services
from news.models import Article
from tests import factories as f
from tests.news import feeds

pytestmark = pytest.mark.django_db

BODY = (
    "Israeli and Hamas negotiators sat in separate rooms in Doha on Monday while mediators from Qatar and Egypt "
    "carried messages between them. The proposal on the table provides for a sixty-day truce, the release of ten "
    "living hostages and the return of eighteen bodies, in exchange for Palestinian prisoners whose number is "
    "still disputed. Disagreements remain over where Israeli forces would stand during the truce, who would "
    "distribute aid inside the strip, and whether Washington would guarantee that fighting does not resume once "
    "the sixty days are over. Netanyahu flew to Washington for a dinner with Trump at the White House, where both "
    "men said they expected progress within days, while officials in Doha cautioned that the gaps were still wide "
    "and that the delegations had so far only listened to each other's positions through the mediators."
)


def page(title: str, body: str, lang: str = "en") -> bytes:
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in body.split(". ") if sentence.strip())
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{paragraphs}</article>"
        f"<footer>Subscribe to our newsletter</footer></body></html>"
    ).encode()


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


@pytest.fixture
def world():
    israel = f.StateFactory(name="Israel", slug="israel")
    hamas = f.ActorFactory(name="Hamas", slug="hamas", kind="armed_group")
    trump = f.ActorFactory(name="Donald Trump", slug="trump")
    netanyahu = f.ActorFactory(name="Benjamin Netanyahu", slug="netanyahu")
    for actor, names in [
        (israel, [("Israel", "en"), ("إسرائيل", "ar")]),
        (hamas, [("Hamas", "en"), ("حماس", "ar")]),
        (trump, [("Trump", "en"), ("ترامب", "ar")]),
        (netanyahu, [("Netanyahu", "en"), ("نتنياهو", "ar")]),
    ]:
        for name, language in names:
            Alias.objects.create(actor=actor, name=name, language=language)
    dinner = f.MeetingFactory(
        title="White House dinner", starts_at=datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC)
    )
    f.ParticipantFactory(meeting=dinner, actor=trump, role="host")
    f.ParticipantFactory(meeting=dinner, actor=netanyahu, role="guest")
    return {"israel": israel, "hamas": hamas, "trump": trump, "netanyahu": netanyahu, "dinner": dinner}


def ingest(server, items: list[dict], path: str = "/feed.xml") -> list[Article]:
    server.route(path, body=feeds.rss(items).encode())
    _, summary = services.feed_add(url=server.url(path))
    return [process(article_id) for article_id in summary.to_process]


def process(article_id: int, *, force: bool = False) -> Article:
    """Process one article as a batch of one (the tasks' path), and read it back."""
    outcome = services.articles_process(article_ids=[article_id], force=force)
    assert not outcome.failed and not outcome.busy
    return Article.objects.get(pk=article_id)


def test_a_summary_only_item_gets_its_page_fetched_and_extracted(http_server, world):
    http_server.route("/news/doha", body=page("Doha talks resume", BODY), headers={"Content-Type": "text/html"})
    (article,) = ingest(
        http_server,
        [{"guid": "1", "title": "Doha talks resume", "link": http_server.url("/news/doha"), "description": "Short."}],
    )
    assert article.processing_state == "processed"
    assert "sixty-day truce" in article.text and "Subscribe" not in article.text
    assert article.raw_html.startswith("<!doctype html>")  # kept for re-extraction
    assert article.language == "en"
    # "Israeli" is not the state's name: no mention of Israel.
    assert {m.actor.slug for m in article.mentions.select_related("actor")} == {"hamas", "trump", "netanyahu"}
    meeting_suggestion = article.suggestions.get(object_id=world["dinner"].pk)
    assert meeting_suggestion.score > 0.5
    assert article.relevance > 0.5


def test_an_unreachable_page_falls_back_to_the_feed_content(http_server, world):
    (article,) = ingest(
        http_server,
        [{"guid": "1", "title": "Talks", "link": http_server.url("/missing"), "description": "Hamas and Israel talk."}],
    )
    assert article.processing_state == "processed"
    assert article.text == "Hamas and Israel talk."


def test_arabic_article_with_diacritics_mentions_its_actors(http_server, world):
    arabic = "نَتَنْيَاهُو يلتقي ترامب في البيت الأبيض بينما تستمر المفاوضات غير المباشرة بين إسرائيل وحماس في الدوحة"
    http_server.route("/ar/1", body=page("لقاء", arabic * 3, lang="ar"), headers={"Content-Type": "text/html"})
    (article,) = ingest(http_server, [{"guid": "ar", "title": "لقاء في واشنطن", "link": http_server.url("/ar/1")}])
    assert article.language == "ar"
    assert {m.actor.slug for m in article.mentions.select_related("actor")} == {"israel", "hamas", "trump", "netanyahu"}


def test_a_syndicated_copy_joins_the_original_story(http_server, world):
    words = BODY.split()
    edited = list(words)
    for index in range(0, len(words), 20):  # 5% of the words changed
        edited[index] = "reportedly"
    http_server.route("/wire/1", body=page("Talks resume", BODY), headers={"Content-Type": "text/html"})
    http_server.route("/copy/1", body=page("Talks go on", " ".join(edited)), headers={"Content-Type": "text/html"})
    (original,) = ingest(http_server, [{"guid": "w", "title": "Talks resume", "link": http_server.url("/wire/1")}])
    (copy,) = ingest(
        http_server, [{"guid": "c", "title": "Talks go on", "link": http_server.url("/copy/1")}], path="/other.xml"
    )
    original.refresh_from_db()
    copy.refresh_from_db()
    assert original.story_id == original.pk
    assert copy.story_id == original.pk


def test_an_alias_added_between_two_polls_applies_to_the_next_article(http_server, world):
    witkoff = f.ActorFactory(name="Steve Witkoff", slug="witkoff")
    text = BODY + " The envoy Witkoff carried a letter."
    http_server.route("/p/1", body=page("One", text), headers={"Content-Type": "text/html"})
    http_server.route("/p/2", body=page("Two", text + " Again."), headers={"Content-Type": "text/html"})
    (first,) = ingest(http_server, [{"guid": "1", "title": "One", "link": http_server.url("/p/1")}])
    assert not first.mentions.filter(actor=witkoff).exists()
    Alias.objects.create(actor=witkoff, name="Witkoff", language="en")
    (second,) = ingest(http_server, [{"guid": "2", "title": "Two", "link": http_server.url("/p/2")}], path="/f2.xml")
    assert second.mentions.filter(actor=witkoff).exists()


def test_noise_sinks_to_the_bottom_of_the_queue(http_server, world):
    football = "The home side won the derby three goals to one after a late penalty and a header from a corner kick."
    http_server.route("/sport", body=page("Derby", football * 4), headers={"Content-Type": "text/html"})
    http_server.route("/talks", body=page("Talks", BODY), headers={"Content-Type": "text/html"})
    ingest(
        http_server,
        [
            {"guid": "s", "title": "Derby day", "link": http_server.url("/sport")},
            {"guid": "t", "title": "Talks resume", "link": http_server.url("/talks")},
        ],
    )
    queue = list(Article.objects.filter(review_state="pending").order_by("-relevance").values_list("guid", "relevance"))
    assert [guid for guid, _ in queue] == ["t", "s"]
    assert queue[-1][1] == 0


def test_hostile_html_is_sanitised_before_storage(http_server, world):
    hostile = page("X", BODY).replace(b"<article>", b"<article><script>steal()</script><img src=x onerror=alert(1)>")
    http_server.route("/x", body=hostile, headers={"Content-Type": "text/html"})
    (article,) = ingest(
        http_server,
        [{"guid": "x", "title": "X", "link": http_server.url("/x"), "description": "<b>ok</b><script>bad()</script>"}],
    )
    for stored in (article.content_html, article.summary, article.text):
        assert "<script" not in stored and "onerror" not in stored and "steal()" not in stored


def test_processing_twice_changes_nothing(http_server, world):
    http_server.route("/news/doha", body=page("Doha", BODY), headers={"Content-Type": "text/html"})
    (article,) = ingest(http_server, [{"guid": "1", "title": "Doha", "link": http_server.url("/news/doha")}])
    before = (
        sorted(article.mentions.values_list("actor_id", "start", "end")),
        sorted(article.suggestions.values_list("object_id", "score")),
        list(article.bands.order_by("band").values_list("band", "key")),
    )
    process(article.pk, force=True)
    after = (
        sorted(article.mentions.values_list("actor_id", "start", "end")),
        sorted(article.suggestions.values_list("object_id", "score")),
        list(article.bands.order_by("band").values_list("band", "key")),
    )
    assert before == after


def test_the_queue_counts_independent_outlets_per_story():
    from news.selectors import with_story_sources

    original = f.ArticleFactory(publisher="Wire")
    Article.objects.filter(pk=original.pk).update(story=original)
    for publisher in ["Paper A", "Paper B", "Paper B", ""]:
        copy = f.ArticleFactory(publisher=publisher)
        Article.objects.filter(pk=copy.pk).update(story=original)
    alone = f.ArticleFactory(publisher="Solo")
    counts = dict(with_story_sources(Article.objects.all()).values_list("pk", "story_sources"))
    assert counts[original.pk] == 3  # Wire, Paper A, Paper B; a blank publisher is not an outlet
    assert counts[alone.pk] == 1


def test_a_page_without_an_http_charset_is_decoded_by_its_meta_charset(http_server, world):
    text = "Négociations à Doha : Hamas et Israël discutent d'une trêve de soixante jours. " * 6
    body = f'<html><head><meta charset="windows-1252"></head><body><article><p>{text}</p></article></body></html>'
    http_server.route("/fr/1", body=body.encode("windows-1252"), headers={"Content-Type": "text/html"})
    (article,) = ingest(http_server, [{"guid": "fr", "title": "Doha", "link": http_server.url("/fr/1")}])
    assert "Négociations à Doha" in article.text
