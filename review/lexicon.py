"""The words scoring reads in an article besides actor names: negotiation terms, named days, numbers.

Records are written in English; articles come in English or Arabic. A concept is one negotiation
subject (withdrawal, aid, guarantees…) with the words that express it in both languages, so an Arabic
article about "انسحاب" matches a sticking point whose title says "withdrawal". Records and articles
go through the same patterns: a record's concepts are those its own text expresses.

Patterns: a trailing `*` matches any ending ("withdr*": withdraw, withdrawal, withdrew); otherwise the
word must end there (an English plural "s" allowed). Arabic patterns may carry the attached
conjunction, preposition and article ("وبالانسحاب"). Both sides are folded by news.pipeline.mentions's
normalise(), so Arabic spelling variants (أ/ا, ة/ه, ى/ي, diacritics) do not matter.
"""

import datetime
import re
from dataclasses import dataclass
from functools import cache

from news.pipeline.mentions import normalise


@dataclass(frozen=True)
class Concept:
    name: str  # shown to editors in a suggestion's reasons
    english: tuple[str, ...]
    arabic: tuple[str, ...]
    generic: bool = False  # in nearly every article of the domain: never a key term on its own


CONCEPTS = (
    Concept("ceasefire", ("truce*", "ceasefire*", "cease-fire*"), ("هدنه", "وقف اطلاق النار", "وقف النار"), True),
    Concept("talks", ("talks", "negotiat*"), ("مفاوضات", "محادثات"), True),
    Concept(
        "hostages",
        ("hostage*", "captive*", "abductee*"),
        ("رهائن", "رهينه", "محتجزين", "المحتجزين", "الاسرى الاسرائيليين", "اسرى اسرائيليين"),
    ),
    Concept("bodies returned", ("bodies", "remains of", "human remains"), ("جثث", "جثامين", "رفات")),
    Concept(
        "prisoners",
        ("prisoner*", "detainee*"),
        ("اسرى فلسطينيين", "الاسرى الفلسطينيين", "معتقلين", "سجناء", "المعتقلين"),
    ),
    Concept(
        "withdrawal",
        (
            "withdr*",
            "pull back",
            "pulls back",
            "pulled back",
            "pulling back",
            "pull-back",
            "pullback",
            "redeploy*",
            "troop positions",
        ),
        ("انسحاب", "ينسحب", "انسحب", "اعاده انتشار", "اعاده الانتشار", "خرائط"),
    ),
    Concept(
        "corridors and buffer zone",
        ("philadelphi", "morag", "corridor*", "buffer zone*", "salah al-din"),
        ("فيلادلفيا", "موراج", "موراغ", "محور*", "منطقه عازله", "المنطقه العازله", "صلاح الدين"),
    ),
    Concept("aid", ("aid", "humanitarian", "relief", "food"), ("مساعدات", "اغاثه", "الغذاء", "غذاء")),
    Concept(
        "aid distribution",
        ("distribut*", "hand out", "hands out", "handing out", "ghf", "humanitarian foundation", "food sites"),
        ("توزيع*", "مراكز التوزيع", "مؤسسه غزه الانسانيه"),
    ),
    Concept("guarantee", ("guarant*", "assurance*"), ("ضمان*", "ضامن*")),
    Concept(
        "fighting resuming",
        (
            "not resume",
            "go back to bombing",
            "resume fighting",
            "resume the war",
            "resume its bombardment",
            "resume the fighting",
            "resumption of fighting",
            "restart the fighting",
            "return to fighting",
            "unilateral*",
        ),
        ("استئناف الحرب", "استئناف القتال", "العوده الى القتال", "العوده للحرب", "تستانف اسرائيل الحرب", "جانب واحد"),
    ),
    Concept(
        "end of the war",
        (
            "end of the war",
            "end-of-war",
            "end of war",
            "end the war",
            "ending the war",
            "end to the war",
            "end to the fighting",
            "permanent end",
            "permanent ceasefire",
            "lasting end",
            "war for good",
        ),
        ("انهاء الحرب", "وقف الحرب", "نهايه الحرب", "وقف دائم", "انهاء دائم", "انهاء الحرب بشكل دائم"),
    ),
    Concept(
        "post-war governance",
        (
            "governance",
            "govern",
            "governs",
            "governing",
            "day after the war",
            "day-after",
            "post-war",
            "postwar",
            "technocrat*",
            "administer*",
            "foreign rule",
            "run gaza",
            "running gaza",
            "rule gaza",
        ),
        ("حكم غزه", "اداره غزه", "اداره القطاع", "حكم القطاع", "اليوم التالي", "ما بعد الحرب", "تكنوقراط*"),
    ),
    Concept("roles of outside states", ("role*", "involvement"), ("دور", "ادوار")),
    Concept(
        "disarmament",
        ("disarm*", "weapons", "arms", "arsenal*", "armed wing", "military wing", "demilitari*"),
        ("نزع السلاح", "نزع سلاح", "سلاح*", "اسلحه", "الجناح العسكري"),
    ),
    Concept(
        "stabilisation force",
        (
            "stabilisation force",
            "stabilization force",
            "stabilisation",
            "stabilization",
            "peacekeep*",
            "multinational force*",
            "international force*",
        ),
        ("قوه الاستقرار", "قوه استقرار", "قوه دوليه", "قوات دوليه", "حفظ السلام", "متعدده الجنسيات"),
    ),
    Concept(
        "displacement",
        (
            "displac*",
            "relocat*",
            "emigrat*",
            "expel*",
            "expulsion*",
            "resettle*",
            "ethnic cleansing",
            "forced transfer*",
            "camp",
            "humanitarian city",
        ),
        ("تهجير", "الهجره", "هجره", "التطهير العرقي", "مخيم", "المدينه الانسانيه", "توطين", "اعاده التوطين"),
    ),
    Concept(
        "Palestinian statehood",
        ("palestinian state*", "statehood", "two-state", "two state"),
        ("دوله فلسطينيه", "الدوله الفلسطينيه", "حل الدولتين"),
    ),
    Concept("normalisation", ("normali*", "abraham accords"), ("تطبيع", "اتفاقات ابراهيم", "اتفاقيات ابراهيم")),
    Concept("uranium enrichment", ("enrich*", "uranium"), ("تخصيب", "يورانيوم", "اليورانيوم")),
    Concept("nuclear programme", ("nuclear",), ("نووي*",)),
    Concept(
        "rearmament and new strikes",
        ("missile*", "ballistic", "rebuild*", "rearm*", "pre-emptive", "preemptive", "strike again", "new strikes"),
        ("صواريخ", "باليستي*", "اعاده بناء", "اعاده التسلح", "استباقي*"),
    ),
    Concept("second phase", ("second phase", "phase two", "next phase"), ("المرحله الثانيه", "المرحله التاليه")),
    Concept(
        "peace council",
        ("peace council", "board of peace", "executive committee"),
        ("مجلس السلام", "لجنه تنفيذيه", "اللجنه التنفيذيه"),
    ),
    Concept("deadline", ("deadline*",), ("مهله", "موعد نهائي")),
    # Where and how meetings happen.
    Concept("dinner", ("dinner",), ("عشاء",)),
    Concept("White House", ("white house",), ("البيت الابيض",)),
    Concept("Doha", ("doha",), ("الدوحه",)),
    Concept("Riyadh", ("riyadh",), ("الرياض",)),
    Concept("Mar-a-Lago", ("mar-a-lago", "palm beach", "florida"), ("مار ا لاغو", "مارالاغو", "فلوريدا")),
    Concept("indirect talks", ("indirect", "proximity"), ("غير مباشره", "غير المباشره")),
    Concept(
        "second meeting",
        ("second meeting", "second, unannounced", "unannounced", "follow-up meeting"),
        ("اجتماع ثان", "لقاء ثان", "غير معلن", "لقاء اخر", "اجتماع اخر"),
    ),
    Concept(
        "Qatari delegation", ("qatari delegation", "qatari team", "qatari officials"), ("وفد قطري", "الوفد القطري")
    ),
)

# A sticking point's category, as the concept that expresses it (categories without one add none).
CATEGORY_CONCEPTS = {
    "withdrawal": "withdrawal",
    "humanitarian": "aid distribution",
    "guarantees": "guarantee",
    "captives": "hostages",
    "governance": "post-war governance",
    "disarmament": "disarmament",
    "displacement": "displacement",
}
GENERIC = frozenset(concept.name for concept in CONCEPTS if concept.generic)

_ARABIC_PREFIX = r"(?:[وف]?[بلك]?(?:ال)?)"


def _fold(text: str) -> str:
    return normalise(text)[0]


def _pattern(word: str, arabic: bool) -> str:
    stem, open_end = (word[:-1], True) if word.endswith("*") else (word, False)
    body = r"\s+".join(re.escape(part) for part in _fold(stem).split())
    start = r"(?<!\w)" + (_ARABIC_PREFIX if arabic else "")
    end = r"\w*" if open_end else (r"(?!\w)" if arabic else r"s?(?!\w)")
    return start + body + end


@cache
def _compiled() -> list[tuple[str, re.Pattern]]:
    return [
        (
            concept.name,
            re.compile(
                "|".join(
                    [_pattern(word, False) for word in concept.english]
                    + [_pattern(word, True) for word in concept.arabic]
                )
            ),
        )
        for concept in CONCEPTS
    ]


@dataclass(frozen=True)
class Hit:
    words: str  # the first words that expressed the concept (as folded)
    count: int  # how many times the text expresses it


def concepts_in(text: str) -> dict[str, Hit]:
    """The concepts `text` expresses: each with its first words and how often it comes up."""
    folded = _fold(text)
    found = {}
    for name, pattern in _compiled():
        matches = [" ".join(match.group(0).split()) for match in pattern.finditer(folded)]
        if matches:
            found[name] = Hit(matches[0], len(matches))
    return found


# --- Numbers -----------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMBER = re.compile(r"(?<![\d.,])\d{1,6}(?![\d])")
_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "عشره": 10,
    "عشر": 10,
    "ستين": 60,
    "ستون": 60,
    "تسعين": 90,
}
_WORD = re.compile(r"\w+")


def numbers_in(text: str) -> set[int]:
    """The whole numbers an article gives, in digits (Latin or Arabic-Indic) or as common words."""
    folded = _fold(text).translate(_DIGITS)
    numbers = {int(found) for found in _NUMBER.findall(folded)}
    numbers |= {_NUMBER_WORDS[word] for word in _WORD.findall(folded) if word in _NUMBER_WORDS}
    return numbers


# --- Days named in the text -----------------------------------------------------------------

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    # Arabic: the Egyptian/Gulf names and the Levantine ones, as folded.
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يوليو": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
}
_MONTH = "|".join(sorted((re.escape(name) for name in _MONTHS), key=len, reverse=True))
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\s+(?:من\s+)?[بف]?({_MONTH})(?!\w)(?:\s*,?\s*(\d{{4}}))?")
_MONTH_DAY = re.compile(rf"(?<!\w)({_MONTH})\s+(\d{{1,2}})(?!\d)(?:\s*,?\s*(\d{{4}}))?")


_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# Arabic weekday names double as ordinary words ("الاحد": the one); they count after "day", "evening"…
_WEEKDAYS |= {
    f"{time} {name}": number
    for time in ("يوم", "مساء", "صباح", "ليله", "ظهر", "فجر")
    for name, number in {
        "الاثنين": 0,
        "الثلاثاء": 1,
        "الاربعاء": 2,
        "الخميس": 3,
        "الجمعه": 4,
        "السبت": 5,
        "الاحد": 6,
    }.items()
}
_WEEKDAY = re.compile(rf"(?<!\w)({'|'.join(_WEEKDAYS)})(?!\w)")


_MONTH_WORD = re.compile(rf"(?<!\w)[بف]?({_MONTH})(?!\w)")


def months_in(text: str) -> set[int]:
    """The months a text names (their numbers), in English or Arabic."""
    return {_MONTHS[name] for name in _MONTH_WORD.findall(_fold(text)) if name != "may" and name != "اب"}


def days_named(text: str, published: datetime.date) -> set[datetime.date]:
    """The calendar days the text names ("7 July", "July 8, 2025", "8 تموز"), each in the year it gives or
    else the one that puts it nearest the publication day; and weekdays ("on Monday", "يوم الاثنين"), as
    the latest such day up to the day after publication (news copy looks back a week, or to tomorrow)."""
    folded = _fold(text).translate(_DIGITS)
    found = set()
    for match in _WEEKDAY.finditer(folded):
        tomorrow = published + datetime.timedelta(days=1)
        found.add(tomorrow - datetime.timedelta(days=(tomorrow.weekday() - _WEEKDAYS[match.group(1)]) % 7))
    for match in _DAY_MONTH.finditer(folded):
        found.add(_day(published, int(match.group(1)), _MONTHS[match.group(2)], match.group(3)))
    for match in _MONTH_DAY.finditer(folded):
        found.add(_day(published, int(match.group(2)), _MONTHS[match.group(1)], match.group(3)))
    return {day for day in found if day is not None}


def _day(published: datetime.date, day: int, month: int, year: str | None) -> datetime.date | None:
    years = [int(year)] if year else [published.year - 1, published.year, published.year + 1]
    options = []
    for option in years:
        try:
            options.append(datetime.date(option, month, day))
        except ValueError:
            continue
    return min(options, key=lambda option: abs(option - published), default=None)
