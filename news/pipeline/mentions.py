"""Actor mentions: every alias of every actor found in an article, with one Aho-Corasick pass.

The text and every alias go through the same `normalise()`, so matching is a plain
substring search in one automaton (pyahocorasick) whatever the number of aliases; each
hit is then kept only on word boundaries, where an Arabic or Hebrew alias may carry an
attached prefix (و، ب، ال… / ו, ה, ב…). Offsets always point into the ORIGINAL text.

`current_matcher()` keeps one automaton per process and rebuilds it when the alias
table changes, so an alias added in the admin or the API applies to the next article
without restarting workers.

Family names. Copy names a person in full once ("Benjamin Netanyahu") and then by family
name alone ("Netanyahu"); aliases rarely list the bare family name. The matcher derives
one from each person's multi-word aliases (their last word) and keeps it only when it is
unambiguous: no other actor derives the same word, and it is no alias of another actor.
A family name then counts in an article only when the same person is also named there by
one of their aliases, anywhere in the text (the title may say "Netanyahu" and the body
"Benjamin Netanyahu"). Requiring the full name is what makes this safe: a family name is
often an ordinary word elsewhere ("عودة", return; "الشرع", the law; "trump" the verb), and
an article that never names the person in full is not taken to be about them.
"""

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick
from django.db.models import Count, Max

from actors.models import Actor, Alias
from news.models import Article, Mention
from tracker.bulk import bulk_insert

# --- Normalisation -------------------------------------------------------------------
#
# NFC + casefold (as the alias key in actors/text.py), then the rules below. Each is a
# one-to-one character mapping or a deletion, so lengths are preserved except where a
# character is deleted or casefold expands it ("ß" → "ss"); the index map keeps the
# offsets right in both cases.

_UNIFY: dict[int, int | str | None] = {}


def _map(chars: Iterable[str], target: str | None) -> None:
    for char in chars:
        _UNIFY[ord(char)] = target


# Curly quotes and apostrophe look-alikes → "'" ("Netanyahu’s", "O’Brien"). U+02BC is a
# *letter* (Lm): unmapped, "Netanyahuʼs" would not end on a word boundary. U+05F3 is the
# Hebrew geresh, typed for an apostrophe in transliterated names (ג׳ו ביידן).
_map("\u2019\u2018\u201b\u02bc\u2032\uff07\u05f3", "'")
# Double-quote look-alikes, Hebrew gershayim included (acronyms such as צה״ל).
_map("\u201c\u201d\u201f\u2033\uff02\u05f4", '"')
# Non-breaking and other hyphens inside names ("al‑Thani").
_map("\u2010\u2011", "-")
# Every whitespace character → one space: an alias's single space matches a line break
# or a no-break space. Runs are not collapsed (that would cost the fast path below).
_map("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000", " ")
_map("".join(chr(c) for c in range(0x2000, 0x200B)), " ")
# Invisible formatting inside words is deleted: soft hyphen, LRM/RLM, Arabic letter
# mark, BOM/zero-width no-break space. (ZWSP and ZWNJ stay: they separate.)
_map("\u00ad\u200e\u200f\u061c\ufeff", None)
# Arabic: harakat and other diacritics (fathatan … sukun, hamza marks, U+064B–U+065F),
# superscript alef (U+0670), Quranic annotation marks (U+06D6–U+06ED) are deleted, and
# so is the tatweel (U+0640, "غـزة"): "نَتَنْيَاهُو" → "نتنياهو".
_map("".join(chr(c) for c in range(0x064B, 0x0660)), None)
_map("\u0670\u0640", None)
_map("".join(chr(c) for c in range(0x06D6, 0x06EE)), None)
# Arabic letter variants spelled interchangeably in news copy:
_map("أإآٱ", "ا")  # alef with hamza above/below, madda, wasla → bare alef ("إسرائيل" = "اسرائيل")
_map("ىی", "ي")  # alef maqsura, Persian/Urdu ye → ya ("ایران" = "ايران")
_map("ة", "ه")  # ta marbuta → ha ("غزة" = "غزه")
_map("ۀەہھ", "ه")  # Persian/Kurdish/Urdu forms of ha
_map("ک", "ك")  # Persian kaf → Arabic kaf
_map("ؤ", "و")  # hamza on waw → waw
_map("ئ", "ي")  # hamza on ya → ya
# Hebrew points and cantillation (niqqud), when a text has them; the punctuation in the
# same block (maqaf U+05BE, paseq U+05C0, sof pasuq U+05C3, U+05C6) stays.
_map("".join(chr(c) for c in range(0x0591, 0x05BE)), None)
_map("\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7", None)

_DELETED = frozenset(chr(code) for code, target in _UNIFY.items() if target is None)


def _fold(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """The matching form of `text`, with each output character's original start and end.

    `None` maps mean the identity (the common case: NFC text where casefold keeps the
    length and nothing is deleted), computed in C without a per-character loop.
    """
    folded = text.casefold()
    if (
        len(folded) == len(text)
        and _DELETED.isdisjoint(folded)
        and unicodedata.is_normalized("NFC", text)
        and unicodedata.is_normalized("NFC", folded)
    ):
        return folded.translate(_UNIFY), None, None
    # Slow path, one grapheme-ish cluster at a time (a base character and the combining
    # marks after it): every character the cluster produces maps back to the whole
    # cluster, so a match ending on "حَمَاسٌ" keeps its last letter's tanween.
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    length = len(text)
    i = 0
    while i < length:
        j = i + 1
        while j < length and unicodedata.combining(text[j]):
            j += 1
        piece = text[i:j]
        if j - i > 1 or not piece.isascii():
            piece = unicodedata.normalize("NFC", unicodedata.normalize("NFC", piece).casefold())
        else:
            piece = piece.casefold()
        for char in piece.translate(_UNIFY):
            chars.append(char)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(chars), starts, ends


def normalise(text: str) -> tuple[str, list[int]]:
    """The matching form of `text` and, for each of its characters, the index in `text` it comes from.

    The map has one more entry than the normalised string: its last entry is `len(text)`.
    Deleted characters (Arabic diacritics, tatweel, soft hyphens…) have no entry; a
    character that casefold expands ("ß" → "ss") gives several entries with its index.
    """
    folded, starts, _ends = _fold(text)
    if starts is None:
        return folded, list(range(len(text) + 1))
    return folded, [*starts, len(text)]


# --- Word boundaries and attached prefixes -------------------------------------------


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


# Arabic attached prefixes: a conjunction (و، ف), then a preposition (ب، ل، ك), joined to
# the next word: "ونتنياهو", "لحماس", "فبإسرائيل". The article is not among them: a name
# that takes it has it in its alias ("القاهرة", matched in "بالقاهرة" after ب), and a bare
# name never does ("الحماس" is "the zeal", not Hamas).
ARABIC_PREFIXES = frozenset(
    conjunction + preposition for conjunction in ("", "و", "ف") for preposition in ("", "ب", "ل", "ك")
) - {""}
# ل before the article drops its alef: "للأمم المتحدة" is ل + "الأمم المتحدة". The automaton
# also holds each alias that starts with the article without that alef ("لامم المتحدة"),
# a variant that counts only after one of these.
ARABIC_ELIDED_PREFIXES = frozenset({"ل", "ول", "فل"})
# Hebrew one-letter prefixes (and, the, in, to, from, that, as) and their usual pairs.
HEBREW_PREFIXES = frozenset(
    {"ו", "ה", "ב", "ל", "מ", "ש", "כ"}
    | {"ו" + letter for letter in "הבלמשכ"}
    | {"ש" + letter for letter in "הבלמכ"}
    | {"מה", "כש"}
)
_LONGEST_PREFIX = max(len(prefix) for prefix in ARABIC_PREFIXES | HEBREW_PREFIXES)


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\u08a0" <= char <= "\u08ff"


def _is_hebrew(char: str) -> bool:
    return "\u0590" <= char <= "\u05ff"


# --- The matcher -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    actor_id: int
    alias_id: int
    start: int  # offsets into the original text: text[start:end] == matched_text
    end: int
    matched_text: str


@dataclass(slots=True)
class _Key:
    """What one automaton key stands for: the aliases spelled so, and where they may start."""

    length: int
    prefixes: frozenset[str]  # attached prefixes allowed before it (none for Latin script)
    aliases: list[tuple[int, int]]  # (alias_id, actor_id) matched as spelled
    elided: list[tuple[int, int]]  # aliases whose "ال" this key spells after ل, without its alef
    family: list[tuple[int, int]]  # a person's family name: counts only where the person is named too


def alias_match_key(name: str) -> str:
    """The normalised form an alias is matched by ("" when it is too short to match safely)."""
    key = " ".join(_fold(name)[0].split())
    if len(key) < 2 or not any(char.isalpha() for char in key):
        return ""  # one letter, or only digits and punctuation: far too many false hits
    return key


def family_name_keys(aliases: Iterable[tuple[int, int, str]], people: Iterable[int]) -> dict[str, tuple[int, int]]:
    """The family names that may stand for a person: match key → (alias it comes from, actor).

    The last word of each multi-word alias of a person (`people`: actor ids), kept only if no
    other actor derives it, it is no alias of another actor, and it has at least three letters.
    """
    people = set(people)
    alias_owners: dict[str, set[int]] = {}
    derived: dict[str, dict[int, int]] = {}  # family key → {actor: lowest alias id deriving it}
    for alias_id, actor_id, name in aliases:
        key = alias_match_key(name)
        if not key:
            continue
        alias_owners.setdefault(key, set()).add(actor_id)
        words = key.split(" ")
        if actor_id in people and len(words) > 1 and sum(char.isalpha() for char in words[-1]) >= 3:
            owners = derived.setdefault(words[-1], {})
            owners[actor_id] = min(alias_id, owners.get(actor_id, alias_id))
    return {
        key: (alias_id, actor_id)
        for key, owners in derived.items()
        if len(owners) == 1
        for actor_id, alias_id in owners.items()
        if key not in alias_owners  # another actor's alias: ambiguous; the person's own: matched already
    }


class AliasMatcher:
    """Every alias in one Aho-Corasick automaton; `find()` returns the actors a text mentions."""

    def __init__(self, aliases: Iterable[tuple[int, int, str]], *, people: Iterable[int] = ()) -> None:
        """`aliases` yields (alias_id, actor_id, alias name); `people` are the actors that are persons,
        whose family names are matched too (see the module's docstring)."""
        aliases = list(aliases)
        keys: dict[str, _Key] = {}

        def key_for(spelling: str) -> _Key:
            if spelling not in keys:
                first = spelling[0]
                prefixes = (
                    ARABIC_PREFIXES if _is_arabic(first) else HEBREW_PREFIXES if _is_hebrew(first) else frozenset()
                )
                keys[spelling] = _Key(len(spelling), prefixes, [], [], [])
            return keys[spelling]

        for alias_id, actor_id, name in aliases:
            key = alias_match_key(name)
            if not key:
                continue
            key_for(key).aliases.append((alias_id, actor_id))
            if key.startswith("ال") and len(key) > 3:
                key_for(key[1:]).elided.append((alias_id, actor_id))
        for key, alias_and_actor in family_name_keys(aliases, people).items():
            key_for(key).family.append(alias_and_actor)

        self.alias_count = sum(len(entry.aliases) for entry in keys.values())
        self._automaton: ahocorasick.Automaton | None = None
        if keys:
            automaton = ahocorasick.Automaton()
            for spelling, entry in keys.items():
                automaton.add_word(spelling, entry)
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, text: str) -> list[Match]:
        """The mentions in `text`, ordered by position; offsets refer to `text` itself.

        On overlaps the longest span wins: a match inside a longer one (of any actor) is
        dropped. An alias shared by several actors gives one match per actor. A family name
        counts only when its person is also matched by an alias in the same text.
        """
        if self._automaton is None or not text:
            return []
        folded, starts, ends = _fold(text)
        size = len(folded)
        best: dict[tuple[int, int, int], int] = {}  # (start, end, actor) → lowest alias id
        family: dict[tuple[int, int, int], int] = {}  # the same, for family names
        for last, entry in self._automaton.iter(folded):
            end = last + 1
            if end < size and _is_word_char(folded[end]):
                continue  # "Trumpet", "Hamasville"; a possessive "'s" is not a word character
            start = end - entry.length
            prefix = ""
            if start > 0 and _is_word_char(folded[start - 1]):
                if not entry.prefixes:
                    continue
                word_start = start - 1
                while word_start > 0 and start - word_start < _LONGEST_PREFIX and _is_word_char(folded[word_start - 1]):
                    word_start -= 1
                if word_start > 0 and _is_word_char(folded[word_start - 1]):
                    continue
                prefix = folded[word_start:start]
            matched = []
            if entry.aliases and (not prefix or prefix in entry.prefixes):
                matched.extend(entry.aliases)
            if entry.elided and prefix in ARABIC_ELIDED_PREFIXES:
                matched.extend(entry.elided)
            for alias_id, actor_id in matched:
                span = (start, end, actor_id)
                if span not in best or alias_id < best[span]:
                    best[span] = alias_id
            if entry.family and (not prefix or prefix in entry.prefixes):
                for alias_id, actor_id in entry.family:
                    family[(start, end, actor_id)] = alias_id

        named = {actor_id for _start, _end, actor_id in best}
        for span, alias_id in family.items():
            if span[2] in named:
                best.setdefault(span, alias_id)
        kept = _outermost({(start, end) for start, end, _actor in best})
        matches = []
        for (start, end, actor_id), alias_id in sorted(best.items()):
            if (start, end) not in kept:
                continue
            original_start = start if starts is None else starts[start]
            original_end = end if ends is None else ends[end - 1]
            matches.append(Match(actor_id, alias_id, original_start, original_end, text[original_start:original_end]))
        return matches


def _outermost(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans not contained in another (longer) span; partial overlaps are all kept."""
    kept = set()
    furthest = -1
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        # Sorted by start, longest first: an earlier span reaching as far contains this one.
        if end > furthest:
            kept.add((start, end))
            furthest = end
    return kept


# --- The per-process matcher, fresh after every alias change ---------------------------


class _MatcherCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.matcher: AliasMatcher | None = None

    def clear(self) -> None:
        with self.lock:
            self.version = None
            self.matcher = None


_cache = _MatcherCache()


def alias_table_version() -> tuple:
    """A cheap stamp of the alias table, one aggregate query: (count, latest updated_at, highest id).

    An addition raises the highest id, a change (admin, API: `save()` sets updated_at)
    raises the latest time, a deletion lowers the count. A queryset `update()` that does
    not set `updated_at` goes unseen: call `invalidate()` after one.
    """
    stamp = Alias.objects.aggregate(count=Count("id"), latest=Max("updated_at"), highest=Max("id"))
    return (stamp["count"], stamp["latest"], stamp["highest"])


def current_matcher() -> AliasMatcher:
    """This process's matcher, rebuilt (one more query) only when the alias table changed since.

    Which actors are persons (for family names) is read with the aliases; an actor whose kind
    changes later keeps its old treatment until an alias changes or `invalidate()` is called.
    """
    version = alias_table_version()
    with _cache.lock:
        if _cache.matcher is None or _cache.version != version:
            # The stamp is read before the aliases: a change in between makes the next
            # call's stamp differ, so the newer alias is never missed for long.
            rows = list(Alias.objects.values_list("id", "actor_id", "name", "actor__kind"))
            _cache.matcher = AliasMatcher(
                [row[:3] for row in rows], people={row[1] for row in rows if row[3] == Actor.Kind.PERSON}
            )
            _cache.version = version
        return _cache.matcher


def invalidate() -> None:
    """Forget the cached matcher: the next `current_matcher()` rebuilds it."""
    _cache.clear()


# --- The service -------------------------------------------------------------------------

# Mention offsets index this string: the title, a blank line, then the text.
TITLE_SEPARATOR = "\n\n"


def mention_source(article: Article) -> str:
    """The string a Mention's start/end index: `title + "\\n\\n" + text`.

    A mention with `start < len(article.title)` is in the title; one in the text starts at
    `start - len(article.title) - 2` in `article.text`.
    """
    return f"{article.title}{TITLE_SEPARATOR}{article.text}"


class Found(NamedTuple):
    """A mention to store: the values of a Mention row (a tuple, so a batch's hundreds cost no model instances)."""

    article_id: int
    actor_id: int
    alias_id: int | None
    start: int
    end: int
    matched_text: str


FOUND_FIELDS = ["article", "actor", "alias", "start", "end", "matched_text"]


def find_mentions(article: Article, matcher: AliasMatcher) -> list[Found]:
    """The article's mentions (not stored) that the matcher finds in `mention_source(article)`."""
    max_length = Mention._meta.get_field("matched_text").max_length
    return [
        Found(article.pk, match.actor_id, match.alias_id, match.start, match.end, match.matched_text[:max_length])
        for match in matcher.find(mention_source(article))
    ]


def replace_mentions(article_ids: list[int], found: list[Found]) -> None:
    """Swap the stored mentions of these articles for `found`; call it with their rows locked."""
    Mention.objects.filter(article_id__in=article_ids).delete()
    bulk_insert(Mention, FOUND_FIELDS, found)
