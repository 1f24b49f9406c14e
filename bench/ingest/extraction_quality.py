"""Extraction quality on trafilatura's annotated evaluation pages: ours against trafilatura's own settings.

    .venv/bin/python -m bench.ingest.extraction_quality [--corpus PATH] [--pages N] [--show-misses]

Reads ../shared/corpora/trafilatura-eval (195 pages of adbar/trafilatura's tests/eval and
tests/cache with their annotations, expected.json; see its INDEX.txt); without that folder
it says so and exits 0. No database, no network.

Scoring, as trafilatura's tests/evaluate.py (tests/eval_common.py) does: per page, each
`with` snippet found in the extracted text is a true positive and one missing a false
negative; each `without` snippet found is a false positive and one absent a true negative;
"found" is a substring test after collapsing whitespace in both. Precision TP/(TP+FP),
recall TP/(TP+FN), F1, accuracy (TP+TN)/all, summed over every page.

Configurations, all given the page's bytes and its URL:

* ours: `news.pipeline.extract.extract_article(page, url=...)`, the pipeline's extraction:
  trafilatura with favor_precision, and readability-lxml's text instead where trafilatura's looks
  truncated and readability's is at least twice as long (`extract.main_text`);
* its two extractors alone: trafilatura as ours calls it without the second opinion, and
  readability-lxml (`extract.readability_text`) on every page;
* ours, page decoded as the pipeline stores it: `pages.fetch_page` decodes the body with the
  charset of the Content-Type header, else UTF-8 (errors replaced); these files come without
  headers, so this is what a server that names no charset gets;
* trafilatura defaults: `trafilatura.extract(page, url=...)`;
* trafilatura's evaluation settings (the "trafilatura" row of its own benchmark):
  include_comments=False, include_tables=True, include_formatting=False;
* favor_precision, favor_recall: each on top of the defaults, for context;
* the variants of ours that isolate each of its choices (the same bare_extraction call as
  extract_article with one setting changed), so any gap can be traced to a setting; "without
  favor_precision" is the pipeline's extraction before the second opinion came in.
"""

import argparse
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.ingest import common

DEFAULT_CORPUS = common.ROOT.parent / "shared" / "corpora" / "trafilatura-eval"
OURS = "ours: extract_article"
DECODED = "ours, page decoded as fetch_page does without a charset (UTF-8)"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Matrix:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    empty: int = 0
    errors: int = 0
    seconds: float = 0.0

    def add(self, item: dict, text: str | None) -> tuple[int, int]:
        found = norm(text or "")
        tp = sum(1 for snippet in item["with"] if norm(snippet) in found)
        fp = sum(1 for snippet in item["without"] if norm(snippet) in found)
        self.tp, self.fp = self.tp + tp, self.fp + fp
        self.fn += len(item["with"]) - tp
        self.tn += len(item["without"]) - fp
        self.empty += not found
        return tp, fp

    def scores(self) -> tuple[float, float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0
        accuracy = (self.tp + self.tn) / (self.tp + self.tn + self.fp + self.fn)
        return precision, recall, f1, accuracy


def configurations() -> dict[str, Callable[[bytes, str], str | None]]:
    import trafilatura

    from news.pipeline.extract import TRAFILATURA_CONFIG, extract_article, readability_text

    def ours(page: bytes, url: str) -> str:
        return extract_article(page, url=url).text

    def ours_decoded(page: bytes, url: str) -> str:
        return extract_article(page.decode("utf-8", errors="replace"), url=url).text

    def bare(**changes) -> Callable[[bytes, str], str | None]:
        """extract_article's trafilatura call with some settings changed; returns its text."""
        options = {
            "with_metadata": False,
            "include_comments": False,
            "favor_precision": True,
            "config": TRAFILATURA_CONFIG,
        } | changes

        def run(page: bytes, url: str) -> str | None:
            document = trafilatura.bare_extraction(page, url=url, **options)
            if document is None:
                return None
            return "\n".join(filter(None, [document.text, getattr(document, "comments", None) or ""]))

        return run

    def extract(**options) -> Callable[[bytes, str], str | None]:
        return lambda page, url: trafilatura.extract(page, url=url, **options)

    return {
        OURS: ours,
        DECODED: ours_decoded,
        "ours' trafilatura alone (favor_precision, no second opinion)": bare(),
        "ours' readability-lxml alone": lambda page, url: readability_text(page, url=url),
        "trafilatura.extract, defaults": extract(),
        "trafilatura, its evaluation settings (no comments, tables, no formatting)": extract(
            include_comments=False, include_tables=True, include_formatting=False
        ),
        "trafilatura.extract, favor_precision": extract(favor_precision=True),
        "trafilatura.extract, favor_recall": extract(favor_recall=True),
        "ours with include_comments=True": bare(include_comments=True),
        "ours with all of trafilatura's metadata (with_metadata=True)": bare(with_metadata=True),
        "ours with trafilatura's default config (no MAX_TREE_SIZE)": bare(config=trafilatura.settings.DEFAULT_CONFIG),
        "ours with favor_recall=True instead": bare(favor_precision=False, favor_recall=True),
        "ours without favor_precision (the extraction before the second opinion)": bare(favor_precision=False),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--show-misses", action="store_true", help="pages where ours scores below the defaults")
    arguments = parser.parse_args()
    if not (arguments.corpus / "expected.json").is_file():
        print(f"No corpus at {arguments.corpus}: nothing to score.")
        return

    common.setup_django(database_url="sqlite://:memory:", migrate=False)  # the code needs settings, no database
    import logging

    logging.disable(logging.WARNING)  # trafilatura logs every page it discards
    expected = json.loads((arguments.corpus / "expected.json").read_text(encoding="utf-8"))
    items = list(expected.items())[: arguments.pages or None]
    pages = {url: (arguments.corpus / item["path"]).read_bytes() for url, item in items}
    runs = configurations()
    matrices = {name: Matrix() for name in runs}
    per_page: dict[str, dict[str, tuple[int, int]]] = {name: {} for name in runs}
    for run in runs.values():
        run(b"<html><body><p>warm up</p></body></html>", "https://example.org/")
    names = list(runs)
    # Page by page, every configuration in turn, starting with a different one on each page: the machine's
    # noise and the first parse of a page fall on all of them alike.
    for number, (url, item) in enumerate(items):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            run = runs[name]
            matrix = matrices[name]
            started = time.perf_counter()
            try:
                text = run(pages[url], url)
            except Exception:  # scored as a full miss, as trafilatura's evaluation does
                text = None
                matrix.errors += 1
            matrix.seconds += time.perf_counter() - started
            per_page[name][url] = matrix.add(item, text)

    withs = sum(len(item["with"]) for _, item in items)
    withouts = sum(len(item["without"]) for _, item in items)
    print(f"{len(items)} pages, {withs} 'with' and {withouts} 'without' snippets, from {arguments.corpus}\n")
    print("| configuration | precision | recall | F1 | accuracy | empty | errors | ms/page |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, matrix in matrices.items():
        precision, recall, f1, accuracy = matrix.scores()
        print(
            f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {accuracy:.3f} | {matrix.empty} | "
            f"{matrix.errors} | {matrix.seconds / len(items) * 1000:.0f} |"
        )
    ours, default = matrices[OURS], matrices["trafilatura.extract, defaults"]
    gap = ours.scores()[2] - default.scores()[2]
    verdict = "at least as good" if gap >= 0 else f"below by {-gap:.3f} F1"
    print(f"\nOurs against trafilatura's defaults: F1 {ours.scores()[2]:.3f} vs {default.scores()[2]:.3f}: {verdict}.")
    if arguments.show_misses:
        for other in ("trafilatura.extract, defaults", DECODED):
            print(f"\nPages where ours finds fewer 'with' or more 'without' snippets than {other!r}:")
            for url, item in items:
                (our_tp, our_fp), (tp, fp) = per_page[OURS][url], per_page[other][url]
                if our_tp < tp or our_fp > fp:
                    print(f"  {item['path']}: with {our_tp} vs {tp}, without {our_fp} vs {fp}")
    losses = [url for url, _ in items if per_page[DECODED][url][0] < per_page[OURS][url][0]]
    print(
        f"Decoding the page as UTF-8 when the server names no charset (as fetch_page does) loses 'with' snippets "
        f"on {len(losses)} pages: {', '.join(expected[url]['path'].rsplit('/', 1)[-1] for url in losses[:6])}"
    )


if __name__ == "__main__":
    main()
