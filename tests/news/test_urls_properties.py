"""Canonical URLs over generated input (issue 20, point 3): the canonical form is a fixed point, it is the
same for every spelling the canonicaliser is meant to ignore (host case, a trailing dot, the default port,
tracking parameters in any case, their order, a fragment, surrounding spaces), it keeps what can name another
article, and no string makes it raise (a feed's link reaches it as written).

Bounded and deterministic: derandomized, a few hundred examples, no example database."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from news.pipeline.urls import TRACKING_PARAMETERS, TRACKING_PREFIXES, canonical_url

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)

label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
hosts = st.lists(label, min_size=1, max_size=4).map(".".join).map(lambda name: f"{name}.org")
path_segment = st.text(string.ascii_letters + string.digits + "-_.~%", max_size=12)
paths = st.lists(path_segment, max_size=4).map(lambda segments: "/" + "/".join(segments))
# Parameters that are not tracking ones: names start with a letter outside every tracking name's first letter.
kept_names = st.text(string.ascii_lowercase, min_size=1, max_size=8).map(lambda name: f"q{name}")
values = st.text(string.ascii_letters + string.digits + "-_.~", max_size=8)
kept_params = st.lists(st.tuples(kept_names, values), max_size=4, unique_by=lambda pair: pair[0])
tracking_names = st.one_of(
    st.sampled_from(sorted(TRACKING_PARAMETERS)),
    st.tuples(st.sampled_from(TRACKING_PREFIXES), st.text(string.ascii_lowercase, max_size=8)).map("".join),
)


def _random_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(char.upper() if flip else char for char, flip in zip(text, flips, strict=True))


@st.composite
def url_and_variant(draw):
    """A plain URL and a spelling of it that differs only in what the canonical form ignores."""
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(hosts)
    port = draw(st.one_of(st.none(), st.integers(1, 65535).filter(lambda port: port not in (80, 443))))
    path = draw(paths)
    params = draw(kept_params)
    netloc = host if port is None else f"{host}:{port}"
    query = "&".join(f"{name}={value}" for name, value in params)
    plain = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")

    variant_host = _random_case(draw, host) + draw(st.sampled_from(["", "."]))
    if port is None and draw(st.booleans()):
        variant_netloc = f"{variant_host}:{80 if scheme == 'http' else 443}"
    else:
        variant_netloc = variant_host if port is None else f"{variant_host}:{port}"
    tracking = [(_random_case(draw, name), draw(values)) for name in draw(st.lists(tracking_names, max_size=4))]
    mixed = draw(st.permutations(params + tracking))
    variant_query = "&".join(f"{name}={value}" for name, value in mixed)
    fragment = draw(st.one_of(st.just(""), values.map(lambda text: f"#{text}")))
    spaces = draw(st.sampled_from(["", " ", "\t", "\n "]))
    variant = (
        f"{spaces}{_random_case(draw, scheme)}://{variant_netloc}{path}"
        + (f"?{variant_query}" if variant_query else "")
        + f"{fragment}{spaces}"
    )
    return plain, variant


@PROPERTY
@given(url_and_variant())
def test_spellings_of_one_url_share_its_canonical_form(pair):
    plain, variant = pair
    assert canonical_url(variant) == canonical_url(plain)


@PROPERTY
@given(url_and_variant(), values.filter(bool))
def test_a_kept_parameter_or_the_path_still_tells_articles_apart(pair, extra):
    plain, _ = pair
    other_path = plain.replace("://", "://", 1).split("?")[0] + "/" + extra
    assert canonical_url(other_path) != canonical_url(plain.split("?")[0])
    separator = "&" if "?" in plain else "?"
    assert canonical_url(f"{plain}{separator}qid={extra}") != canonical_url(plain)


@PROPERTY
@given(url_and_variant())
def test_the_canonical_form_is_a_fixed_point(pair):
    for url in pair:
        once = canonical_url(url)
        assert canonical_url(once) == once


url_like_text = st.lists(
    st.one_of(
        st.sampled_from(
            ["http://", "https://", "HTTP://", "//", "[", "]", ":", "@", "?", "#", "&", "=", "%", ".", "/"]
        ),
        st.sampled_from(["::1", "fe80::1%eth0", "99999", "0x7f", "utm_source", "UTM_Medium", "xn--", "ß", "مثال"]),
        st.text(max_size=6),
    ),
    max_size=12,
).map("".join)


@PROPERTY
@given(st.one_of(st.text(), url_like_text))
def test_any_string_gives_a_string_that_is_its_own_canonical_form(text):
    once = canonical_url(text)
    assert isinstance(once, str)
    assert canonical_url(once) == once
