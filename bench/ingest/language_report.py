"""Language of articles: ours (the declaration when the text agrees, else lingua on the body) against the rest.

    .venv/bin/python -m bench.ingest.language_report [--corpus PATH] [--show-misses]

Two sets of pages, no database, no network:

* the labelled set in tests/news/data/language_set.json: 120 article texts written for it in
  English, Arabic, Hebrew, French and Russian, many opening with header lines, a dateline or a
  line in another language, some mixed, some short, and 15 declaring a language they are not in.
  Each text is given as an extractor returns it (header lines kept), with its `<html lang>`;
* trafilatura's 195 annotated pages in ../shared/corpora/trafilatura-eval (skipped when that
  folder is missing): the text `extract_article` takes from each page and the page's own
  declaration. Their languages (bench/ingest/trafilatura_eval_languages.json) are lingua's
  verdict over all its 75 languages on the whole text, checked by hand where py3langid or the
  page's declaration disagreed: 134 German, 34 English, 10 Spanish, ..., and one page in
  Papiamento, which no detector here knows (so no configuration can be right on it).

Configurations:

* ours: `news.pipeline.language.decide`, with the tracker's default languages (en, ar, he, fr,
  ru) on the labelled set and with the corpus's own languages on trafilatura's pages (as a
  deployment lists its sources' languages in INGEST_LANGUAGES), in lingua's low-accuracy mode
  (the default, INGEST_LANGUAGE_LOW_ACCURACY) and its high one; on trafilatura's pages also
  with the default languages, where a page in another language is right only by its
  declaration;
* lingua on the body alone (declarations ignored);
* the code before this: py3langid on the first 200 characters; and lingua on them;
* the declaration alone.

"Truthful" counts the pages whose declaration is their language: there ours must be right on
every one. Time is `decide`'s (or the classifier's) CPU time per article (process time, so other
work on a shared machine counts less), from the text, the detector built beforehand (it is built
once per process); its memory and build time, per mode, are printed first.
"""

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.ingest import common


def primary_language(tag: str) -> str:
    from news.pipeline.language import primary_language

    return primary_language(tag)


DEFAULT_CORPUS = common.ROOT.parent / "shared" / "corpora" / "trafilatura-eval"
LABELLED = common.ROOT / "tests" / "news" / "data" / "language_set.json"
CORPUS_LABELS = Path(__file__).with_name("trafilatura_eval_languages.json")
DEFAULT_LANGUAGES = ("ar", "en", "fr", "he", "ru")


@dataclass
class Page:
    name: str
    language: str
    declared: str
    kind: str
    text: str


@dataclass
class Score:
    right: int = 0
    truthful: int = 0
    truthful_right: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def labelled_pages() -> list[Page]:
    document = json.loads(LABELLED.read_text(encoding="utf-8"))
    return [
        Page(page["id"], page["language"], page["declared"], page["kind"], "\n".join(page["lines"]))
        for page in document["pages"]
    ]


def corpus_pages(corpus: Path) -> list[Page]:
    import trafilatura

    from news.pipeline.extract import extract_article
    from news.pipeline.language import page_language

    labels = json.loads(CORPUS_LABELS.read_text(encoding="utf-8"))
    expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in expected.items():
        body = (corpus / item["path"]).read_bytes()
        declared = page_language(trafilatura.load_html(body))
        pages.append(Page(item["path"], labels[item["path"]], declared, "", extract_article(body, url=url).text))
    return pages


def configurations(languages: tuple[str, ...], *, with_default: bool) -> dict[str, Callable[[Page], str]]:
    import py3langid

    from news.pipeline.language import decide, detector

    def ours(chosen: tuple[str, ...], low_accuracy: bool = False) -> Callable[[Page], str]:
        return lambda page: decide(page.text, [page.declared], languages=chosen, low_accuracy=low_accuracy).language

    def lingua_first_200(page: Page) -> str:
        found = detector(languages).detect_language_of(page.text[:200])
        return found.iso_code_639_1.name.lower() if found else ""

    listed = ", ".join(languages)
    runs = {
        f"ours ({listed}), low accuracy (the default mode)": ours(languages, low_accuracy=True),
        f"ours ({listed}), high accuracy": ours(languages),
    }
    if with_default:
        runs[f"ours with the default languages ({', '.join(DEFAULT_LANGUAGES)})"] = ours(DEFAULT_LANGUAGES, True)
    return runs | {
        "lingua on the body, declaration ignored": lambda page: (
            decide(page.text, [], languages=languages, low_accuracy=True).language
        ),
        "before: py3langid on the first 200 characters": lambda page: py3langid.classify(page.text[:200])[0],
        "lingua on the first 200 characters": lingua_first_200,
        "the declaration alone": lambda page: primary_language(page.declared),
    }


def score(pages: list[Page], runs: dict[str, Callable[[Page], str]]) -> dict[str, Score]:
    scores = {name: Score() for name in runs}
    for name, run in runs.items():
        current = scores[name]
        run(pages[0])  # models a classifier loads on first use load here, outside the clock
        for page in pages:
            started = time.process_time()
            found = run(page)
            current.seconds += time.process_time() - started
            truthful = primary_language(page.declared) == page.language
            current.right += found == page.language
            current.truthful += truthful
            current.truthful_right += truthful and found == page.language
            if found != page.language:
                current.misses.append(
                    f"{page.name} ({page.kind or 'declared ' + (page.declared or 'nothing')}): "
                    f"{found or '-'} for {page.language}"
                )
    return scores


def table(title: str, pages: list[Page], scores: dict[str, Score], show_misses: bool) -> None:
    truthful = sum(primary_language(page.declared) == page.language for page in pages)
    false = sum(bool(page.declared) and primary_language(page.declared) != page.language for page in pages)
    print(f"\n{title}: {len(pages)} pages, {truthful} declaring their language truthfully, {false} falsely\n")
    print("| configuration | right | accuracy | truthfully declared right | CPU ms/article |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, current in scores.items():
        print(
            f"| {name} | {current.right}/{len(pages)} | {current.right / len(pages):.3f} | "
            f"{current.truthful_right}/{current.truthful} | {current.seconds / len(pages) * 1000:.2f} |"
        )
    if show_misses:
        for name, current in scores.items():
            if current.misses and not name.startswith(("before", "the declaration", "lingua on the first")):
                print(f"\n{name} misses: " + "; ".join(current.misses))


def footprint(low_accuracy: bool) -> str:
    """Memory and build time of the default detector, each mode in a fresh process."""
    code = (
        "import re, time\n"
        "from lingua import IsoCode639_1, LanguageDetectorBuilder\n"
        "def rss():\n"
        "    with open('/proc/self/status') as status:\n"
        "        return int(re.search(r'VmRSS:\\s+(\\d+)', status.read()).group(1)) // 1024\n"
        "before = rss()\n"
        f"codes = [IsoCode639_1.from_str(code) for code in {DEFAULT_LANGUAGES!r}]\n"
        "builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models()\n"
        f"builder = builder.with_low_accuracy_mode() if {low_accuracy} else builder\n"
        "started = time.perf_counter(); detector = builder.build(); took = time.perf_counter() - started\n"
        "print(f'+{rss() - before} MB resident (Python with lingua imported: {before} MB), built in {took:.2f} s')\n"
    )
    command = [sys.executable, "-c", code]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603 - our code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    arguments = parser.parse_args()
    common.setup_django(database_url="sqlite://:memory:", migrate=False)  # the code needs settings, no database
    import logging

    from news.pipeline.language import detector

    logging.disable(logging.WARNING)
    print(
        f"lingua for {', '.join(DEFAULT_LANGUAGES)}, built once a process: high accuracy {footprint(False)}; "
        f"low accuracy {footprint(True)}"
    )
    detector(DEFAULT_LANGUAGES)
    detector(DEFAULT_LANGUAGES, True)
    pages = labelled_pages()
    runs = configurations(DEFAULT_LANGUAGES, with_default=False)
    table("Labelled set (tests/news/data/language_set.json)", pages, score(pages, runs), arguments.show_misses)

    if not (arguments.corpus / "expected.json").is_file():
        print(f"\nNo corpus at {arguments.corpus}: trafilatura's pages skipped.")
        return
    pages = corpus_pages(arguments.corpus)
    languages = tuple(sorted({page.language for page in pages} - {"pap"}))  # lingua knows no Papiamento
    for low_accuracy in (False, True):
        detector(languages, low_accuracy)
    runs = configurations(languages, with_default=True)
    table(f"trafilatura's annotated pages ({arguments.corpus})", pages, score(pages, runs), arguments.show_misses)


if __name__ == "__main__":
    main()
