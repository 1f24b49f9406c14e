"""Alias keys and mention offsets over generated text (issue 20, point 3): any Unicode, Arabic with harakat
and tatweel, bidirectional marks, soft hyphens, case and normalisation forms. An alias is found however the
text spells it, and a mention's offsets always point at the very text it matched in the original.

Bounded and deterministic: derandomized, a few hundred examples, no example database."""

import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from actors.text import alias_key
from news.pipeline.mentions import AliasMatcher, alias_match_key, normalise

PROPERTY = settings(max_examples=250, deadline=None, derandomize=True, database=None)

LATIN = "abcdeßéıİxyz"
ARABIC = "نتيهاوحمسغزةإأى"
HEBREW = "נתניהוחמס"
HARAKAT = "\u064b\u064e\u064f\u0650\u0651\u0652"  # tanween fath, fatha, damma, kasra, shadda, sukun
TATWEEL = "\u0640"
# Invisible marks a text may carry inside a name: LRM, RLM, Arabic letter mark, soft hyphen, BOM.
INVISIBLE = ["\u200e", "\u200f", "\u061c", "\u00ad", "\ufeff"]
SPACES = [" ", "\u00a0", "\n", "\u2009", "\u202f"]
SEPARATORS = [" ", ", ", "\n", " (", "» ", ". ", "\u200f "]

latin_word = st.text(LATIN, min_size=2, max_size=7)
arabic_word = st.text(ARABIC, min_size=2, max_size=7)
hebrew_word = st.text(HEBREW, min_size=2, max_size=6)
names = st.one_of(latin_word, arabic_word, hebrew_word).flatmap(
    lambda word: st.lists(st.just(word) | latin_word | arabic_word, min_size=1, max_size=3).map(" ".join)
)


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff"


@st.composite
def spelled(draw, name: str) -> str:
    """`name` as a text may spell it: other case, NFD, harakat and tatweel, invisible marks, other spaces."""
    pieces = []
    for index, char in enumerate(name):
        if char == " ":
            pieces.append(draw(st.sampled_from(SPACES)))
            continue
        pieces.append(char.upper() if char.isascii() and draw(st.booleans()) else char)
        if _is_arabic(char) and draw(st.booleans()):
            pieces.append(draw(st.text(HARAKAT, min_size=1, max_size=2)))
        following = name[index + 1] if index + 1 < len(name) else " "
        if following != " ":
            if _is_arabic(char) and _is_arabic(following) and draw(st.booleans()):
                pieces.append(TATWEEL)
            if draw(st.integers(0, 3)) == 0:
                pieces.append(draw(st.sampled_from(INVISIBLE)))
    text = "".join(pieces)
    return unicodedata.normalize("NFD", text) if draw(st.booleans()) else text


@PROPERTY
@given(st.text())
def test_an_alias_key_is_a_fixed_point(text):
    assert alias_key(alias_key(text)) == alias_key(text)


@PROPERTY
@given(st.text(LATIN + ARABIC + " \u00a0\t" + "".join(INVISIBLE), min_size=1, max_size=20))
def test_alias_keys_ignore_case_normalisation_form_and_spacing(text):
    # Case-insensitive as casefold is: "Straße" and "STRASSE" are one name (lower() would keep them apart).
    assume(text.upper().casefold() == text.casefold())  # (a dotless ı upper-cases to I, which folds to i)
    key = alias_key(text)
    assert alias_key(text.upper()) == key
    assert alias_key(unicodedata.normalize("NFD", text)) == key
    assert alias_key(f"  {text}\n") == key
    assert alias_key(text.replace(" ", "  \t")) == key


@PROPERTY
@given(st.text())
def test_the_normalised_form_maps_back_into_the_original(text):
    folded, index = normalise(text)
    assert len(index) == len(folded) + 1
    assert index[-1] == len(text)
    assert all(0 <= position <= len(text) for position in index)
    assert index == sorted(index)


@st.composite
def text_with_a_mention(draw):
    name = draw(names)
    assume(alias_match_key(name))
    before = draw(st.text(LATIN + ARABIC + " ", max_size=12))
    after = draw(st.text(LATIN + ARABIC + " ", max_size=12))
    left = draw(st.sampled_from(SEPARATORS)) if before else ""
    right = draw(st.sampled_from(SEPARATORS)) if after else ""
    spelling = draw(spelled(name))
    text = f"{before}{left}{spelling}{right}{after}"
    start = len(before) + len(left)
    return name, text, start, start + len(spelling)


@PROPERTY
@given(text_with_a_mention())
def test_a_name_is_found_however_it_is_spelled_and_its_offsets_point_at_it(case):
    name, text, start, end = case
    matches = AliasMatcher([(7, 3, name)]).find(text)
    for match in matches:
        assert text[match.start : match.end] == match.matched_text
        assert alias_match_key(match.matched_text) == alias_match_key(name)
    # The spelled name itself is found, exactly where it is (unless a longer match of the same name contains it).
    spans = [(match.start, match.end) for match in matches]
    assert any(found_start <= start and end <= found_end for found_start, found_end in spans), (text, spans)
    assert (start, end) in spans or any(found_end - found_start > end - start for found_start, found_end in spans)


@PROPERTY
@given(
    st.lists(names, min_size=1, max_size=4),
    st.lists(st.one_of(names, st.text(max_size=8), st.sampled_from(SEPARATORS + INVISIBLE + [TATWEEL])), max_size=10),
)
def test_every_mention_in_any_text_points_at_what_it_matched(aliases, pieces):
    matcher = AliasMatcher([(index, index, name) for index, name in enumerate(aliases)])
    text = "".join(pieces)
    keys = {index: alias_match_key(name) for index, name in enumerate(aliases)}
    for match in matcher.find(text):
        assert 0 <= match.start < match.end <= len(text)
        assert text[match.start : match.end] == match.matched_text
        assert alias_match_key(match.matched_text) == keys[match.alias_id]
