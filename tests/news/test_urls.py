import pytest

from news.pipeline.urls import canonical_url, same_site


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.org/world/truce-talks?id=7&page=2",
        "HTTPS://WWW.Example.ORG:443/world/truce-talks?page=2&id=7",
        "https://www.example.org/world/truce-talks?page=2&utm_source=rss&id=7&utm_medium=feed#comments",
        "https://www.example.org/world/truce-talks?fbclid=IwAR0x&id=7&gclid=abc&page=2&mc_cid=1",
        "  https://www.example.org/world/truce-talks?id=7&page=2&_ga=2.1  ",
    ],
)
def test_tracking_variants_share_one_canonical_url(variant):
    assert canonical_url(variant) == "https://www.example.org/world/truce-talks?id=7&page=2"


def test_canonical_form_details():
    assert canonical_url("http://Example.org") == "http://example.org/"
    assert canonical_url("http://example.org:8080/a") == "http://example.org:8080/a"
    assert canonical_url("http://example.org:80/a") == "http://example.org/a"
    assert canonical_url("https://مثال.com/خبر") == "https://xn--mgbh0fb.com/خبر"
    assert canonical_url("http://[::1]:8000/x?b=2&a=1") == "http://[::1]:8000/x?a=1&b=2"
    # Path case and meaningful parameters are kept: they can name different articles.
    assert canonical_url("https://example.org/News?story=A") != canonical_url("https://example.org/news?story=a")


def test_same_site():
    assert same_site("https://www.example.org/a", "https://example.org/b")
    assert not same_site("https://example.org/a", "https://evil.example.net/a")
    assert not same_site("not a url", "also not")


@pytest.mark.parametrize("url", ["http://example.org:99999/a", "http://[::1/a", "http://example.org:x/", "no host"])
def test_a_url_without_a_canonical_form_is_kept_as_it_came(url):
    # A feed's link with a port out of range passes Django's URL validator; ingesting it must not fail.
    assert canonical_url(f"  {url} ") == url


def test_a_parameter_without_a_value_is_kept():
    # "?amp" or "?print" can serve another page than the bare URL: only tracking parameters are dropped.
    assert canonical_url("https://example.org/story?print&id=7") == "https://example.org/story?id=7&print="
    assert canonical_url("https://example.org/?liveblog") != canonical_url("https://example.org/")


def test_a_host_idna_cannot_encode_is_still_lower_cased():
    long_label = "a" * 64  # over IDNA's 63-character limit for a label
    assert canonical_url(f"http://{long_label.upper()}.Example.ORG/x") == f"http://{long_label}.example.org/x"
