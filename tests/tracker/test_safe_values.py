"""The one rule for stored links and the one fitting of stored texts (tracker/safe_values.py)."""

import pytest
from django.core.exceptions import ValidationError

from tracker.safe_values import (
    ELLIPSIS,
    UnsafeURL,
    clean_text,
    fit_text,
    normalise_url,
    url_or_blank,
    validate_http_url,
)

# The forms a hostile feed or client uses, and the reason each is refused.
HOSTILE = {
    "javascript:window.x=1;void(0)": "javascript: links are refused",
    "data:text/html,<script>alert(1)</script>": "data: links are refused",
    "vbscript:msgbox(1)": "vbscript: links are refused",
    "file:///etc/passwd": "file: links are refused",
    "//evil.example/x": "not absolute",
    "jav&#x09;ascript:alert(1)": "not absolute",  # an entity a browser would decode in an attribute
    " javascript:alert(1)": "javascript: links are refused",
    "\x01\x1fjavascript:alert(1)": "javascript: links are refused",
    "java\nscript:alert(1)": "javascript: links are refused",
    "java\tscr\ript:alert(1)": "javascript: links are refused",
    "JavaScript:alert(1)": "javascript: links are refused",
    "JAVASCRIPT:alert(1)": "javascript: links are refused",
    "https:evil.example": "no host",
    "http://": "no host",
    "https://ok.test/\x00x": "control characters",
    "/relative/path": "not absolute",
    "ftp://files.example/a": "ftp: links are refused",
    "http://under_score.example/": "not a valid URL",
    "http://[::1/x": "not a valid URL",  # an unclosed IPv6 literal: urllib itself raises on it
}


@pytest.mark.parametrize(("value", "reason"), HOSTILE.items())
def test_every_link_but_an_absolute_http_url_is_refused_with_its_reason(value, reason):
    with pytest.raises(UnsafeURL, match=reason):
        normalise_url(value)
    assert url_or_blank(value)[0] == ""


@pytest.mark.parametrize(
    "value", [value for value, reason in HOSTILE.items() if "absolute" not in reason and "valid URL" not in reason]
)
def test_the_model_validator_refuses_them_too(value):
    # (A relative link or one Django cannot read is reported by the URL field's own validator: not twice.)
    with pytest.raises(ValidationError):
        validate_http_url(value)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("", ""),
        ("   ", ""),
        ("https://news.example/a", "https://news.example/a"),
        ("  HTTPS://news.example/a\n", "https://news.example/a"),
        ("http://news.example/a b", "http://news.example/a%20b"),
        ("https://news.example/\u200fرابط", "https://news.example/%E2%80%8F%D8%B1%D8%A7%D8%A8%D8%B7"),  # RTL mark
        ('https://news.example/"><script>', "https://news.example/%22%3E%3Cscript%3E"),
        ("http://127.0.0.1:8000/x?y=1", "http://127.0.0.1:8000/x?y=1"),
        ("https://bücher.example/ü?q=ş#a#b", "https://xn--bcher-kva.example/%C3%BC?q=%C5%9F#a%23b"),  # a URI: ASCII
        ("https://news.example/%41%zz[x]", "https://news.example/%41%25zz%5Bx%5D"),
    ],
)
def test_a_safe_link_is_stored_as_a_browser_reads_it(value, stored):
    assert normalise_url(value) == stored
    validate_http_url(stored)


def test_the_validator_asks_for_the_normalised_form():
    with pytest.raises(ValidationError, match="Write the link as https://news.example/a%20b"):
        validate_http_url("https://news.example/a b")


def test_an_over_long_link_is_refused():
    with pytest.raises(UnsafeURL, match="longer than 30"):
        normalise_url("https://news.example/" + "a" * 20, max_length=30)


def test_texts_lose_nul_and_control_characters_and_lone_surrogates():
    assert clean_text("a\x00b\x07c\td\ne\x7f") == "abc\td\ne"
    assert clean_text("x\ud800y") == "x\ufffdy"
    assert clean_text("\U0001f600") == "\U0001f600"  # a proper character outside the BMP is kept
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    ("value", "limit", "fitted"),
    [
        ("Talks resume in Doha after a pause", 100, "Talks resume in Doha after a pause"),
        ("Talks resume in Doha after a pause", 20, "Talks resume in…"),
        ("Talks resume in Doha after a pause", 16, "Talks resume in…"),
        ("Supercalifragilistic", 10, "Supercali…"),  # no space in the first half: cut inside the word
        ("مفاوضات الدوحة غير المباشرة بين إسرائيل وحماس", 25, "مفاوضات الدوحة غير…"),
        ("e\u0301" * 10, 8, "e\u0301" * 3 + ELLIPSIS),  # a letter and its accent stay together
        ("👨‍👩‍👧" * 5, 9, "👨‍👩‍👧" * 1 + ELLIPSIS),  # a family emoji (5 code points) is one grapheme
        ("🇵🇸🇮🇱🇶🇦", 4, "🇵🇸" + ELLIPSIS),  # flags: regional indicators in pairs
    ],
)
def test_fitting_cuts_at_a_word_or_grapheme_boundary_with_an_ellipsis(value, limit, fitted):
    assert fit_text(value, limit) == fitted
    assert len(fitted) <= limit


def test_fitting_without_an_ellipsis_for_codes():
    assert fit_text("en-GB-x-very-long-private-tag", 16, ellipsis=False) == "en-GB-x-very-lon"
