"""Feeds written for the tests: the formats, the attacks and the encodings ingestion must handle."""

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Regional Desk</title><link>https://news.example/</link><language>en</language>
<item><guid isPermaLink="false">rd-1001</guid><title>Doha talks resume for a second day</title>
<link>https://news.example/2025/07/07/doha-talks?utm_source=rss</link>
<description>Mediators from Qatar and Egypt shuttled between the delegations.</description>
<pubDate>Mon, 07 Jul 2025 09:00:00 GMT</pubDate></item>
<item><guid isPermaLink="false">rd-1002</guid><title>White House dinner set for 6:30 pm</title>
<link>https://news.example/2025/07/07/dinner</link>
<description>Trump is to host Netanyahu at the White House.</description>
<pubDate>Mon, 07 Jul 2025 12:00:00 GMT</pubDate></item>
</channel></rss>"""

RSS1 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF Wire</title><link>https://rdf.example/</link>
<items><rdf:Seq><rdf:li rdf:resource="https://rdf.example/a"/></rdf:Seq></items></channel>
<item rdf:about="https://rdf.example/a"><title>Truce proposal outlined</title><link>https://rdf.example/a</link>
<description>A sixty-day pause is on the table.</description><dc:date>2025-07-06T10:00:00Z</dc:date></item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Observer</title>
<link href="https://atom.example/"/><id>urn:atom-observer</id><updated>2025-07-08T00:00:00Z</updated>
<entry><id>tag:atom.example,2025:1</id><title>Second, unannounced meeting</title>
<link href="https://atom.example/2025/07/08/second-meeting"/><updated>2025-07-08T21:00:00Z</updated>
<content type="html">&lt;p&gt;The leaders met again for ninety minutes.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</content>
</entry></feed>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://bomb.example/1</link></item></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leaky</title>
<item><title>&secret;</title><link>https://xxe.example/1</link><description>&secret;</description></item>
</channel></rss>"""

ARABIC = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>الجزيرة نت</title><link>https://ar.example/</link><language>ar</language>
<item><guid>ar-1</guid><title>نَتَنْيَاهُو يلتقي ترامب في البيت الأبيض</title><link>https://ar.example/news/1</link>
<description>مفاوضات الدوحة غير المباشرة بين إسرائيل وحماس بوساطة قطرية ومصرية</description>
<pubDate>Tue, 08 Jul 2025 06:00:00 GMT</pubDate></item></channel></rss>"""


def rss(items: list[dict], title: str = "Test feed", language: str = "") -> str:
    """A small RSS 2.0 feed from dicts with guid, title, link, description, pub_date; `language`: the channel's."""
    rendered = []
    for item in items:
        guid = f'<guid isPermaLink="false">{item["guid"]}</guid>' if item.get("guid") is not None else ""
        rendered.append(
            f"<item>{guid}<title>{item.get('title', '')}</title><link>{item.get('link', '')}</link>"
            f"<description>{item.get('description', '')}</description>"
            f"<pubDate>{item.get('pub_date', 'Mon, 07 Jul 2025 09:00:00 GMT')}</pubDate></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.test/</link>{f'<language>{language}</language>' if language else ''}"
        f"{''.join(rendered)}</channel></rss>"
    )
