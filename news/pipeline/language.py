"""An article's language: the page's own declaration when its text agrees with it, else a detector.

The declarations, in order: the page's `<html lang>` (or `xml:lang`, or a `<meta http-equiv=
"Content-Language">`), the response's Content-Language header, the feed's language. The detector is
lingua (built for short and mixed text), restricted to settings.INGEST_LANGUAGES and built once per
process; it reads the body of the main text, its longest paragraphs, so header lines, datelines,
captions and navigation that an extractor kept do not decide. bench/ingest/language_report.py
measures it.
"""

import functools
import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder
from lxml.html import HtmlElement

# A declared language is taken when the detector gives it at least this share of its confidence (lingua's
# values over the configured languages add up to 1), or ranks it first. Measured (bench.ingest.language_report's
# two sets): a truthful declaration got 0.94 or more, a false one (an English page declaring "ar") 0.005 at most;
# the margin is left for short and mixed pages.
AGREES = 0.2
# Characters of body text the detector reads: lingua takes ~0.15 ms for 400 characters here.
SAMPLE_CHARS = 400
# Paragraphs shorter than this are left out of the sample while longer ones exist: headers, datelines,
# bylines, captions and menu items are short.
BODY_LINE_CHARS = 60
# The detector's answer stands only if at least this share of the sample's letters is in its script.
SCRIPT_SHARE = 0.25
# Below this many letters nothing is decided from the text.
MIN_LETTERS = 20

_SCRIPTS = {
    "Arab": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "Hebr": re.compile(r"[\u0590-\u05ff\ufb1d-\ufb4f]"),
    "Cyrl": re.compile(r"[\u0400-\u052f]"),
    "Grek": re.compile(r"[\u0370-\u03ff]"),
    "Hani": re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"),
    "Latn": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
# Languages whose text is not in Latin script (those a tracker's sources might declare); any other is Latin.
_SCRIPT_OF = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ckb", "sd", "ug"), "Arab"),
    **dict.fromkeys(("he", "yi"), "Hebr"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"), "Cyrl"),
    "el": "Grek",
    **dict.fromkeys(("zh", "ja", "ko"), "Hani"),
}
# Old or alternative codes that pages still declare.
_ALIASES = {"iw": "he", "ji": "yi", "in": "id", "per": "fa", "fas": "fa", "ara": "ar", "heb": "he", "eng": "en"}
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Decision:
    language: str  # ISO 639-1 where there is one, "" when unknown
    source: str  # "declared" (a declaration the text agrees with), "detected", or "" (too little text)


def primary_language(tag: str | None) -> str:
    """`en-GB` -> `en`, `iw` -> `he`; "" for anything that is not a single language tag."""
    tag = (tag or "").strip()
    if not _TAG.fullmatch(tag):
        return ""
    primary = tag.replace("_", "-").split("-")[0].lower()
    return _ALIASES.get(primary, primary)


def header_language(value: str | None) -> str:
    """A Content-Language header's language, when it names one (a list of several says nothing of this page)."""
    parts = [part for part in (value or "").split(",") if part.strip()]
    return primary_language(parts[0]) if len(parts) == 1 else ""


def page_language(tree: HtmlElement | None) -> str:
    """The language a page declares for itself: `<html lang>`, `xml:lang`, or a Content-Language meta tag."""
    if tree is None:
        return ""
    root = tree.getroottree().getroot()
    for value in (root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"), root.get("xml:lang")):
        if primary_language(value):
            return primary_language(value)
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "content-language":
            return header_language(meta.get("content"))
    return ""


@functools.cache
def detector(languages: tuple[str, ...], low_accuracy: bool = False) -> LanguageDetector:
    """lingua for these ISO 639-1 codes, its models loaded now: built once per process (about a second)."""
    unknown = [code for code in languages if not hasattr(IsoCode639_1, code.upper())]
    if unknown or not languages:
        raise ImproperlyConfigured(f"INGEST_LANGUAGES: give ISO 639-1 codes lingua knows (not {unknown or 'none'})")
    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    builder = LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def configured_languages() -> tuple[str, ...]:
    return tuple(sorted({primary_language(code) for code in settings.INGEST_LANGUAGES} - {""}))


def body_sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The main text's body, up to `limit` characters: its three longest paragraphs, a share of each, whatever
    comes first. A text of short lines only (verse, a list, lyrics) is read in order."""
    lines = [line.strip() for line in text.splitlines()]
    body = [line for line in lines if len(line) >= BODY_LINE_CHARS]
    if not body:
        return " ".join(" ".join(lines).split())[:limit]
    chosen = heapq.nlargest(3, body, key=len)  # among equals, the page's order
    share = limit // len(chosen)
    return "\n".join(" ".join(line[: share * 2].split())[:share] for line in chosen)


def scripts(text: str) -> dict[str, int]:
    """How many of the text's letters are in each script ("Latn", "Arab", ...)."""
    return {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()}


def decide(
    text: str,
    declared: Iterable[str] = (),
    *,
    languages: Sequence[str] | None = None,
    low_accuracy: bool | None = None,
) -> Decision:
    """The language of `text` (an extracted main text), given what the page, its server and its feed declare
    (ISO codes or language tags, most specific first; empty ones are skipped).

    A declaration in the configured set is taken when the detector agrees (AGREES); one outside the set, which
    the detector cannot check, when most of the text is in that language's script. Otherwise the detector's
    answer, or "" when the text is hardly in its script (a page in a language not configured). With too little
    text, the first declaration. `languages` and `low_accuracy` default to the settings'."""
    languages = tuple(languages) if languages is not None else configured_languages()
    if low_accuracy is None:
        low_accuracy = settings.INGEST_LANGUAGE_LOW_ACCURACY
    claims = [code for code in dict.fromkeys(primary_language(value) for value in declared) if code]
    sample = body_sample(text, SAMPLE_CHARS)
    letters = scripts(sample)
    total = sum(letters.values())
    if total < MIN_LETTERS:
        return Decision(claims[0], "declared") if claims else Decision("", "")
    written_in = max(letters, key=letters.__getitem__)
    confidence = {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in detector(languages, low_accuracy).compute_language_confidence_values(sample)
    }
    best = max(confidence, key=confidence.__getitem__) if confidence else ""
    for claim in claims:
        if claim in languages:
            if claim == best or confidence.get(claim, 0.0) >= AGREES:
                return Decision(claim, "declared")
        elif _SCRIPT_OF.get(claim, "Latn") == written_in:
            return Decision(claim, "declared")
    # lingua names one of its languages whatever the text: an answer whose script the text hardly uses (English
    # for a Chinese page when Chinese is not configured) is no answer.
    if best and letters[_SCRIPT_OF.get(best, "Latn")] >= SCRIPT_SHARE * total:
        return Decision(best, "detected")
    return Decision("", "detected")
