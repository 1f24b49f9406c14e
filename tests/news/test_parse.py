import datetime
import tracemalloc

import pytest

from news.pipeline.parse import MalformedFeed, parse_feed
from tests.news import feeds


def test_rss2():
    parsed = parse_feed(feeds.RSS2.encode())
    assert parsed.title == "Regional Desk"
    assert [e.guid for e in parsed.entries] == ["rd-1001", "rd-1002"]
    first = parsed.entries[0]
    assert first.link == "https://news.example/2025/07/07/doha-talks?utm_source=rss"
    assert first.published_at == datetime.datetime(2025, 7, 7, 9, tzinfo=datetime.UTC)


def test_rss1():
    parsed = parse_feed(feeds.RSS1.encode())
    assert [(e.title, e.link) for e in parsed.entries] == [("Truce proposal outlined", "https://rdf.example/a")]
    assert parsed.entries[0].published_at == datetime.datetime(2025, 7, 6, 10, tzinfo=datetime.UTC)


def test_atom_content_is_sanitised():
    entry = parse_feed(feeds.ATOM.encode()).entries[0]
    assert entry.guid == "tag:atom.example,2025:1"
    assert "ninety minutes" in entry.content_html
    assert "<script" not in entry.content_html and "alert" not in entry.content_html


@pytest.mark.parametrize("body", [feeds.BILLION_LAUGHS, feeds.EXTERNAL_ENTITY])
def test_entity_attacks_are_refused_before_expansion(body):
    tracemalloc.start()
    try:
        with pytest.raises(MalformedFeed, match="entities"):
            parse_feed(body.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_a_body_that_looks_like_a_path_is_not_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text(feeds.RSS2)
    # feedparser would open this path if given it as a string; as bytes in a stream it is just text.
    with pytest.raises(MalformedFeed):
        parse_feed(str(secret).encode())


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>Not a feed</body></html>", b"\x00\x01\x02garbage", b'{"json": true}'],
)
def test_non_feeds_get_a_readable_error(body):
    with pytest.raises(MalformedFeed, match="Not a readable RSS or Atom feed"):
        parse_feed(body)


def test_arabic_feed_keeps_its_text():
    entry = parse_feed(feeds.ARABIC.encode()).entries[0]
    assert entry.title == "نَتَنْيَاهُو يلتقي ترامب في البيت الأبيض"
    assert "بوساطة قطرية" in entry.summary_html


def test_http_charset_is_used_when_the_document_does_not_say():
    body = feeds.rss([{"guid": "1", "title": "Café talks in Genève", "link": "https://x.test/1"}])
    latin = body.replace('encoding="utf-8"', "").encode("iso-8859-1")
    parsed = parse_feed(latin, content_type="application/rss+xml; charset=iso-8859-1")
    assert parsed.entries[0].title == "Café talks in Genève"


def test_wrongly_declared_encoding_still_yields_entries():
    body = feeds.rss([{"guid": "1", "title": "Négociations à Doha", "link": "https://x.test/1"}])
    mislabelled = body.encode("windows-1252")  # declares utf-8, is not
    parsed = parse_feed(mislabelled)
    assert len(parsed.entries) == 1
    assert "Doha" in parsed.entries[0].title


def test_utf16_with_bom():
    body = feeds.ARABIC.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert parse_feed(body).entries[0].title.startswith("نَتَنْيَاهُو")


def test_entry_and_url_length_caps(settings):
    settings.INGEST_MAX_ENTRIES = 3
    settings.INGEST_MAX_URL_LENGTH = 60
    items = [{"guid": str(n), "title": f"Item {n}", "link": f"https://x.test/{n}"} for n in range(5)]
    items.append({"guid": "long", "title": "Long", "link": "https://x.test/" + "a" * 100})
    parsed = parse_feed(feeds.rss(items[::-1]).encode())
    # The cap bounds the work: only the first three items are looked at; the long URL among them is refused
    # and its item kept without a link (its GUID identifies it), the reason in the poll's refusals.
    assert [(e.guid, e.link) for e in parsed.entries] == [
        ("long", ""),
        ("4", "https://x.test/4"),
        ("3", "https://x.test/3"),
    ]
    assert parsed.skipped == 3
    assert parsed.refusals == ("Long: The link is longer than 60 characters. Stored without a link.",)


def test_entries_without_link_or_guid_are_skipped_and_non_http_links_too():
    items = [
        {"guid": None, "title": "No identity", "link": ""},
        {"guid": None, "title": "Script", "link": "javascript:alert(1)"},
        {"guid": None, "title": "Fine", "link": "https://x.test/fine"},
    ]
    parsed = parse_feed(feeds.rss(items).encode())
    assert [e.title for e in parsed.entries] == ["Fine"]
    assert parsed.skipped == 2


def test_future_dates_are_clamped_to_now():
    items = [
        {
            "guid": "f",
            "title": "From the future",
            "link": "https://x.test/f",
            "pub_date": "Fri, 01 Jan 2100 00:00:00 GMT",
        }
    ]
    entry = parse_feed(feeds.rss(items).encode()).entries[0]
    assert entry.published_at <= datetime.datetime.now(tz=datetime.UTC)


def test_an_empty_but_valid_feed_is_not_malformed_even_without_a_content_type():
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet desk</title></channel></rss>'
    parsed = parse_feed(empty, base_url="https://quiet.example/feed")
    assert (parsed.title, parsed.entries, parsed.warning) == ("Quiet desk", [], "")
