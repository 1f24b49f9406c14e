from news.pipeline.extract import choose_text, extract_article, html_to_text, restore_paragraphs, sanitise

PAGE = """<!doctype html><html lang="en"><head><title>Doha talks | Desk</title>
<link rel="canonical" href="https://news.example/2025/07/07/doha-talks">
<meta name="author" content="Staff Reporter"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Doha talks resume for a second day</h1>
<p>Israeli and Hamas negotiators sat in separate rooms in Doha on Monday while mediators from Qatar and Egypt
carried messages between them, according to officials briefed on the talks.</p>
<p>The proposal on the table provides for a sixty-day truce, the release of ten living hostages and the return of
eighteen bodies, in exchange for Palestinian prisoners whose number is still disputed.</p>
<p>Disagreements remain over where Israeli forces would stand during the truce and who would distribute aid.</p>
<script>document.cookie</script><p onclick="steal()">Officials expect a further round later this week.</p>
</article><footer>Copyright Desk. Subscribe to our newsletter.</footer></body></html>"""


def test_main_text_without_boilerplate_and_metadata():
    result = extract_article(PAGE, url="https://news.example/2025/07/07/doha-talks?utm_source=rss")
    assert result.method == "page"
    assert "sixty-day truce" in result.text
    assert "Subscribe to our newsletter" not in result.text
    assert "document.cookie" not in result.text
    assert result.canonical_url == "https://news.example/2025/07/07/doha-talks"
    assert result.language == "en"
    assert "<script" not in result.content_html and "onclick" not in result.content_html


def test_another_sites_canonical_is_not_trusted():
    hostile = PAGE.replace("https://news.example/2025/07/07/doha-talks", "https://victim.example/real-story")
    assert extract_article(hostile, url="https://news.example/a").canonical_url == ""


def test_falls_back_to_feed_content_when_the_page_has_no_text():
    feed_html = "<p>Talks resumed in <b>Doha</b> with Qatari and Egyptian mediators present.</p><script>x()</script>"
    result = extract_article(b"", url="https://news.example/x", feed_html=feed_html)
    assert result.method == "feed"
    assert result.text == "Talks resumed in Doha with Qatari and Egyptian mediators present."
    assert result.content_html == "<p>Talks resumed in <b>Doha</b> with Qatari and Egyptian mediators present.</p>"


def test_hostile_markup_does_not_break_extraction():
    nested = "<div>" * 20000 + "deep" + "</div>" * 20000
    result = extract_article(nested, url="https://news.example/deep", feed_html="<p>Fallback summary text here.</p>")
    assert result.text  # either extracted or the feed's fallback, never an exception


def test_sanitise_removes_scripts_handlers_and_unsafe_links():
    dirty = (
        '<p onmouseover="x()">a<script>b</script><a href="javascript:alert(1)">c</a><a href="https://ok.test">d</a></p>'
    )
    clean = sanitise(dirty)
    assert "script" not in clean and "onmouseover" not in clean and "javascript" not in clean
    assert 'href="https://ok.test"' in clean


def test_plain_text_of_a_fragment():
    assert html_to_text("<p>One</p><p>Two &amp; three</p>") == "One\nTwo & three"


def test_the_author_and_canonical_come_from_the_page_meta_tags():
    result = extract_article(PAGE, url="https://news.example/2025/07/07/doha-talks")
    assert result.author == "Staff Reporter"


def test_a_page_without_an_article_gives_no_canonical_or_author():
    # A consent wall pointing its canonical at the home page says nothing about the article behind it.
    wall = (
        '<html><head><link rel="canonical" href="https://news.example/"><meta name="author" content="Desk Team">'
        "</head><body><script>showConsentWall()</script></body></html>"
    )
    result = extract_article(wall, url="https://news.example/2025/07/07/doha-talks", feed_html="<p>Talks.</p>")
    assert result.method == "feed"
    assert (result.canonical_url, result.author) == ("", "")


def test_no_byline_search_when_the_author_is_known():
    byline = PAGE.replace('<meta name="author" content="Staff Reporter">', "").replace(
        "<h1>Doha talks resume for a second day</h1>",
        '<h1>Doha talks resume for a second day</h1><p class="byline">By Jane Roe</p>',
    )
    assert extract_article(byline, url="https://news.example/a").author == "Jane Roe"
    assert extract_article(byline, url="https://news.example/a", want_author=False).author == ""


# An article whose body sits in a container classed like a comment thread: trafilatura (comments off) keeps the
# first paragraph only; readability-lxml reads the whole body.
BODY_AS_COMMENTS = """<html lang="en"><head><title>Talks</title></head><body><main><h1>Talks go on</h1>
<p>The talks went on for a second day in the capital.</p>
<div class="comments" id="story-body">
<p>The mediators met the two delegations separately on Tuesday morning in the capital.</p>
<p>A draft text circulated among diplomats proposes a phased release of detainees over six weeks.</p>
<p>Aid convoys would enter through two crossings under the draft, with inspections at each.</p>
</div></main><footer><p>Copyright Desk.</p></footer></body></html>"""


def test_the_fuller_extractor_is_chosen_when_trafilaturas_text_is_truncated():
    result = extract_article(BODY_AS_COMMENTS, url="https://news.example/talks")
    assert result.extractor == "readability"
    assert "phased release of detainees" in result.text and "two crossings" in result.text
    assert "Copyright Desk" not in result.text
    assert "<p>Aid convoys would enter" in result.content_html


def test_trafilatura_is_kept_when_its_text_is_whole():
    result = extract_article(PAGE, url="https://news.example/2025/07/07/doha-talks")
    assert result.extractor == "trafilatura"


def test_the_broad_pass_and_the_second_opinion_are_asked_only_when_the_text_looks_short():
    asked = []

    def ask(name, text):
        def answer():
            asked.append(name)
            return text

        return answer

    whole = "x" * 600
    result = choose_text(whole, page_chars=1000, broad=ask("broad", ""), second_opinion=ask("second", ""))
    assert result == (whole, "trafilatura") and asked == []
    # Short: the broad pass's long paragraphs come back, and with them the text is whole.
    lead = "A lead paragraph set apart from the body, long enough to be one of the article's own paragraphs "
    lead += "rather than a menu item."
    body = "b" * 400
    result = choose_text(
        body, page_chars=1000, broad=ask("broad", f"Menu\n{lead}\n{body}"), second_opinion=ask("second", "")
    )
    assert result == (f"{lead}\n{body}", "trafilatura") and asked == ["broad"]
    # Still short: readability's text, when at least twice as long.
    asked.clear()
    result = choose_text("short", page_chars=1000, broad=ask("broad", "Menu"), second_opinion=ask("second", "r" * 800))
    assert result == ("r" * 800, "readability") and asked == ["broad", "second"]
    # Still short, but readability finds no more: trafilatura's text stands.
    result = choose_text("y" * 300, page_chars=1000, broad=ask("broad", ""), second_opinion=ask("second", "z" * 400))
    assert result == ("y" * 300, "trafilatura")


def test_restore_paragraphs_puts_back_only_long_ones_in_the_broad_order():
    lead = "L" * 120
    assert restore_paragraphs("Body one.\nBody two.", f"Share\n{lead}\nBody one.\nRelated\nBody two.") == (
        f"{lead}\nBody one.\nBody two."
    )
    assert restore_paragraphs("", "Only the broad pass found this.") == "Only the broad pass found this."
