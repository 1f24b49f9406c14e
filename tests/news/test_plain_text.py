"""Plain text stays plain (issue 17, point 2): titles, authors, publishers and feed names carry no markup,
as the best feed readers store them; sanitised HTML stays in the summary and content only."""

import pytest

from news import services
from news.models import Article
from tracker.safe_values import plain_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("Talks resume <script>alert(1)</script>", "Talks resume"),
        ("Talks resume <style>p {}</style>in Doha", "Talks resume in Doha"),
        ("<b>Truce</b> &amp; <i>aid</i> &#8212; day&nbsp;2", "Truce & aid — day 2"),
        ("  Doha\n\n talks\t resume  ", "Doha talks resume"),
        ("AT&T: 3 < 4 and 5 > 4", "AT&T: 3 < 4 and 5 > 4"),
        ('<a href="https://x.example/">Jane Doe</a>', "Jane Doe"),
        ("نتنياهو <em>يلتقي</em> ترامب", "نتنياهو يلتقي ترامب"),
        ("a\x00b", "ab"),
    ],
)
def test_plain_text_strips_markup_decodes_entities_and_collapses_whitespace(markup, text):
    assert plain_text(markup) == text


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>&lt;i&gt;Regional&lt;/i&gt; Desk &amp;amp; Wire</title><link>https://desk.example/</link>
<item><guid isPermaLink="false">escaped</guid><title>Talks resume &lt;script&gt;alert(1)&lt;/script&gt;</title>
<link>https://desk.example/1</link>
<dc:creator>&lt;a href="https://desk.example/jane"&gt;Jane   Doe&lt;/a&gt;</dc:creator>
<description>&lt;p&gt;Kept &lt;b&gt;as&lt;/b&gt; HTML &lt;a href="https://desk.example/more"&gt;more&lt;/a&gt;&lt;/p&gt;</description>
</item>
<item><guid isPermaLink="false">cdata</guid><title><![CDATA[Talks resume <script>alert(1)</script>]]></title>
<link>https://desk.example/2</link><description>Second.</description></item>
<item><guid isPermaLink="false">entities</guid><title>Truce &amp;amp; aid &amp;#8212;   day 2</title>
<link>https://desk.example/3</link><description>Third.</description></item>
<item><guid isPermaLink="false">only-markup</guid><title>&lt;img src="x" onerror="alert(1)"&gt;</title>
<link>https://desk.example/4</link><description>Fourth.</description></item>
</channel></rss>"""


def test_ingestion_stores_titles_authors_and_feed_names_as_plain_text(http_server):
    http_server.route("/feed.xml", body=FEED.encode(), headers={"Content-Type": "application/rss+xml"})
    feed, summary = services.feed_add(url=http_server.url("/feed.xml"))
    assert summary.new == 4
    assert feed.title == "Regional Desk & Wire"
    escaped = Article.objects.get(guid="escaped")
    assert escaped.title == "Talks resume"
    assert escaped.author == "Jane Doe"
    assert escaped.publisher == "Regional Desk & Wire"
    # The summary is a field meant for HTML: sanitised, not flattened.
    assert escaped.summary == (
        '<p>Kept <b>as</b> HTML <a href="https://desk.example/more" rel="noopener noreferrer">more</a></p>'
    )
    assert Article.objects.get(guid="cdata").title == "Talks resume"
    assert Article.objects.get(guid="entities").title == "Truce & aid — day 2"
    # Nothing but markup: the item is named by its link rather than stored with an empty or hostile title.
    assert Article.objects.get(guid="only-markup").title == "https://desk.example/4"
