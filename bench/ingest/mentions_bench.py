"""Actor-mention detection: one Aho-Corasick automaton against one regex per alias.

    .venv/bin/python -m bench.ingest.mentions_bench [--aliases 10000] [--articles 200]
        [--baseline-articles 10] [--repeats 5] [--seed 1]

Pure Python, no database: news.pipeline.mentions.AliasMatcher built from synthetic
aliases. Seven in ten aliases are Latin names of two or three words, one in ten of
them a surname alone (so longer names contain shorter aliases); three in ten are
Arabic names of one to three words, some with the article. Three in four articles are
English, ~800 words of running text with about 15 aliases dropped in (upper-cased,
possessive "'s" / "’s"); the others are Arabic, with names behind attached prefixes
(و، ب، ل) and some written with harakat.

(a) AliasMatcher: build, then `find()` over every article.
(b) The baseline: `re.compile(r"\\b" + re.escape(alias) + r"\\b", re.IGNORECASE)` for every
    alias, each run over every article. It costs about a second per article at 10,000
    aliases, so by default it runs over an evenly spaced sample of `--baseline-articles`
    articles and its total is extrapolated (`--baseline-articles 0` runs it over all).

Times are medians over `--repeats` runs. The sanity check compares the Latin mentions
both find on the baseline's sample (the baseline's spans reduced to the outermost, as
the matcher keeps them); the regex baseline has no Arabic normalisation, so Arabic
mentions are not compared.
"""

import argparse
import os
import random
import re
import statistics
import time
from collections.abc import Callable


def _vocabulary(words: str) -> list[str]:
    return words.split()


_LATIN_SYLLABLES = _vocabulary("ba ke lo mi nu ra si to ve za qa dor fen gal hir jun mar nes pol tur wen yas")
_ARABIC_SYLLABLES = _vocabulary("حم سن عب دل كر يم نو صا فر جا مر طا شي بد رح قد هي زا ثم غا")
_ENGLISH = _vocabulary(
    "the a of to and in on for with that said talks ceasefire truce proposal officials sources "
    "delegation mediators hostages prisoners release withdrawal aid crossing border agreement phase "
    "would could has have was were will after before during while over under between about against "
    "new first second last week day night morning meeting government minister statement response "
    "draft terms deal sides negotiators late early report told reporters added according people "
    "security forces civilians humanitarian convoy trucks food fuel water medical teams envoy"
)
_ARABIC = _vocabulary(
    "قال في من على إلى مع أن الذي التي وقف إطلاق النار المفاوضات الوسطاء الأسرى الرهائن الانسحاب "
    "المساعدات المعبر الاتفاق المرحلة الأولى الثانية مصادر مسؤول بيان رد مقترح الوفد اجتماع الحكومة "
    "الوزير اليوم أمس الليلة خلال بعد قبل حول بين ضد جديد الأمن القوات المدنيين الإنسانية الشاحنات"
)
_HARAKAT = "\u064e\u064f\u0650\u0652"
ARTICLE_WORDS = 800
MENTIONS_PER_ARTICLE = 15


def _unique_words(rng: random.Random, syllables: list[str], count: int, low: int, high: int) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen["".join(rng.choice(syllables) for _ in range(rng.randint(low, high)))] = None
    return list(seen)


def make_aliases(rng: random.Random, count: int) -> list[tuple[int, int, str]]:
    """(alias_id, actor_id, name): about two aliases per actor, names unique once case-folded."""
    given = [word.capitalize() for word in _unique_words(rng, _LATIN_SYLLABLES, 400, 2, 3)]
    family = [word.capitalize() for word in _unique_words(rng, _LATIN_SYLLABLES, 2000, 2, 4)]
    arabic = _unique_words(rng, _ARABIC_SYLLABLES, 1500, 2, 3)
    names: dict[str, str] = {}
    while len(names) < count:
        roll = rng.random()
        if roll < 0.07:
            name = rng.choice(family)
        elif roll < 0.7:
            name = " ".join([rng.choice(given)] * rng.randint(1, 2) + [rng.choice(family)])
        else:
            words = rng.sample(arabic, rng.randint(1, 3))
            if rng.random() < 0.3:
                words[0] = "ال" + words[0]
            name = " ".join(words)
        names.setdefault(name.casefold(), name)
    return [(alias_id, alias_id // 2 + 1, name) for alias_id, name in enumerate(names.values(), start=1)]


def _with_harakat(rng: random.Random, word: str) -> str:
    return "".join(char + rng.choice(_HARAKAT) if rng.random() < 0.5 else char for char in word)


def make_article(rng: random.Random, latin: list[str], arabic: list[str], *, english: bool) -> str:
    words = rng.choices(_ENGLISH if english else _ARABIC, k=ARTICLE_WORDS - MENTIONS_PER_ARTICLE * 2)
    for _ in range(MENTIONS_PER_ARTICLE):
        if english:
            name = rng.choice(latin)
            roll = rng.random()
            if roll < 0.2:
                name += "'s"
            elif roll < 0.3:
                name += "’s"
            elif roll < 0.4:
                name = name.upper()
        else:
            name = rng.choice(arabic)
            if rng.random() < 0.3:
                name = rng.choice("وبل") + name
            if rng.random() < 0.2:
                name = _with_harakat(rng, name)
        words.insert(rng.randrange(len(words) + 1), name)
    sentences = [" ".join(words[i : i + 20]) + "." for i in range(0, len(words), 20)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def median_time(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def outermost(spans: set[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
    """(alias_id, start, end) spans not contained in a longer span."""
    kept = set()
    for alias_id, start, end in spans:
        if not any(s <= start and end <= e and (s, e) != (start, end) for _a, s, e in spans):
            kept.add((alias_id, start, end))
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aliases", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--baseline-articles", type=int, default=10, help="0: run the baseline over every article")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DEBUG", "1")  # no server runs: the throwaway key of a debug run is enough
    import django

    django.setup()
    from news.pipeline.mentions import AliasMatcher

    rng = random.Random(arguments.seed)
    aliases = make_aliases(rng, arguments.aliases)
    latin = [name for _id, _actor, name in aliases if name.isascii()]
    arabic = [name for _id, _actor, name in aliases if not name.isascii()]
    texts = [make_article(rng, latin, arabic, english=i % 4 != 3) for i in range(arguments.articles)]
    sample_size = arguments.baseline_articles or len(texts)
    sample = [texts[i * len(texts) // sample_size] for i in range(min(sample_size, len(texts)))]
    characters = sum(len(text) for text in texts)
    print(
        f"{len(aliases)} aliases ({len(latin)} Latin, {len(arabic)} Arabic), {len(texts)} articles "
        f"({characters / len(texts):,.0f} characters each on average), seed {arguments.seed}, "
        f"median of {arguments.repeats} runs; baseline over {len(sample)} of the articles"
    )

    build_time, matcher = median_time(lambda: AliasMatcher(aliases), arguments.repeats)
    find_time, found = median_time(lambda: [matcher.find(text) for text in texts], arguments.repeats)
    mention_count = sum(len(matches) for matches in found)

    compile_time, patterns = median_time(
        lambda: [
            (alias_id, re.compile(r"\b" + re.escape(name) + r"\b", re.IGNORECASE)) for alias_id, _a, name in aliases
        ],
        arguments.repeats,
    )
    re.purge()  # the timed compilations above must not be served from re's cache later

    def baseline() -> list[set[tuple[int, int, int]]]:
        return [
            {(alias_id, hit.start(), hit.end()) for alias_id, pattern in patterns for hit in pattern.finditer(text)}
            for text in sample
        ]

    baseline_time, baseline_found = median_time(baseline, arguments.repeats)

    latin_ids = {alias_id for alias_id, _actor, name in aliases if name.isascii()}
    sample_found = [matcher.find(text) for text in sample]
    differences = 0
    compared = 0
    for text, regex_spans, matches in zip(sample, baseline_found, sample_found, strict=True):
        expected = outermost({span for span in regex_spans if span[0] in latin_ids})
        got = {(match.alias_id, match.start, match.end) for match in matches if match.alias_id in latin_ids}
        compared += len(expected)
        differences += len(expected ^ got)
        for alias_id, start, end in sorted(expected ^ got)[:3]:
            print(f"  differs: alias {alias_id} at {start}: {text[max(0, start - 20) : end + 20]!r}")

    per_article_ac = find_time / len(texts)
    per_article_re = baseline_time / len(sample)
    total_ac = build_time + find_time
    total_re = compile_time + per_article_re * len(texts)
    extrapolated = "" if len(sample) == len(texts) else " (extrapolated)"
    print()
    print(f"| {len(aliases)} aliases, {len(texts)} articles | build | per article | build + all articles |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| AliasMatcher (Aho-Corasick) | {build_time * 1000:,.0f} ms | {per_article_ac * 1000:,.2f} ms "
        f"| {total_ac:,.2f} s |"
    )
    print(
        f"| regex per alias | {compile_time * 1000:,.0f} ms | {per_article_re * 1000:,.1f} ms "
        f"| {total_re:,.1f} s{extrapolated} |"
    )
    print(
        f"| speed-up | {compile_time / build_time:,.1f}× | {per_article_re / per_article_ac:,.0f}× "
        f"| {total_re / total_ac:,.0f}× |"
    )
    print()
    print(f"Mentions found by AliasMatcher: {mention_count} ({mention_count / len(texts):.1f} per article)")
    print(
        f"Sanity, Latin mentions on the baseline's {len(sample)} articles: {compared} by the baseline, "
        f"{differences} differences"
    )
    if differences:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
