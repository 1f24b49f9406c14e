"""The concept matcher (review/lexicon.py) is fast because it skips concepts whose words cannot occur and runs
the rest with the `regex` module; it must find exactly what the plain patterns, run one by one with `re`,
find: on every article of the labelled sets, and on texts made of the lexicon's own words."""

import json
import pathlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from review import lexicon


def reference(text: str) -> dict[str, lexicon.Hit]:
    """The matcher as first written: every concept's pattern, with `re`, on every text."""
    folded = lexicon._fold(text)
    found = {}
    for concept in lexicon.CONCEPTS:
        pattern = re.compile(
            "|".join(
                [lexicon._pattern(word, False) for word in concept.english]
                + [lexicon._pattern(word, True) for word in concept.arabic]
            )
        )
        matches = [" ".join(match.group(0).split()) for match in pattern.finditer(folded)]
        if matches:
            found[concept.name] = lexicon.Hit(matches[0], len(matches))
    return found


def test_the_labelled_articles_give_the_same_concepts():
    data = pathlib.Path(lexicon.__file__).parent / "data"
    articles = [
        article
        for name in ("labelled_articles.json", "heldout_articles.json")
        for article in json.loads((data / name).read_text())["articles"]
    ]
    assert len(articles) > 80
    for article in articles:
        text = f"{article['title']}\n\n{article['text']}"
        assert lexicon.concepts_in(text) == reference(text), article["key"]
    assert any(lexicon.concepts_in(article["text"]) for article in articles)


WORDS = sorted(
    {word.rstrip("*") for concept in lexicon.CONCEPTS for word in (*concept.english, *concept.arabic)}
    | {"و", "ال", "بال", "وال", "s", "al", "ing", "-", "the", "x"}
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(["", " ", "  ", "\n", ", ", "-"])), max_size=25))
def test_any_text_of_the_lexicon_s_words_gives_the_same_concepts(parts):
    text = "".join(word + gap for word, gap in parts)
    assert lexicon.concepts_in(text) == reference(text)
