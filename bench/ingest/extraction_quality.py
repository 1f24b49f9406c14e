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

Time is CPU time per page (process time: other work on a shared machine counts less than in wall
time), the configurations run page by page in rotating order.

Configurations, all given the page's bytes and its URL:

* ours: `news.pipeline.extract.extract_article(page, url=...)`, the pipeline's extraction
  (`extract.main_text`): trafilatura with favor_precision; where its text holds under half of the
  page's <p> text, the long paragraphs that only a broad pass (fast, no favor_precision) found put
  back, and where it is still short, readability-lxml's text if at least twice as long;
* its parts alone: trafilatura's two passes without the second opinion, favor_precision alone,
  and readability-lxml (`extract.readability_text`) on every page;
* before: the pipeline's extraction until issue 17 (trafilatura's default settings, no comments,
  then the author and canonical URL and nh3, as `extract_article` did), for its time;
* ours, page decoded as the pipeline stores it: `pages.fetch_page` decodes the body with the
  charset of the Content-Type header, else UTF-8 (errors replaced); these files come without
  headers, so this is what a server that names no charset gets;
* trafilatura defaults: `trafilatura.extract(page, url=...)`;
* trafilatura's evaluation settings (the "trafilatura" row of its own benchmark):
  include_comments=False, include_tables=True, include_formatting=False;
* favor_precision, favor_recall: each on top of the defaults, for context;
* the variants of ours' precise pass that isolate each of its settings (the same bare_extraction
  call with one setting changed), so any gap can be traced to a setting; "without
  favor_precision" gives the text the pipeline stored before issue 17.
"""

import argparse
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.ingest import common

DEFAULT_CORPUS = common.ROOT.parent / "shared" / "corpora" / "trafilatura-eval"
OURS = "ours: extract_article"
BEFORE = "before issue 17: extract_article's trafilatura defaults, metadata and nh3"
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

    from news.pipeline.extract import (
        TRAFILATURA_CONFIG,
        choose_text,
        extract_article,
        page_metadata,
        paragraph_chars,
        readability_text,
        sanitise,
    )

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

    def merged(page: bytes, url: str) -> str:
        """ours without the second opinion: the precise pass, and the broad one's paragraphs where it is short."""
        tree = trafilatura.load_html(page)
        text, _ = choose_text(
            bare()(tree, url) or "",
            page_chars=paragraph_chars(tree),
            broad=lambda: bare(favor_precision=False, fast=True)(tree, url) or "",
            second_opinion=lambda: "",
        )
        return text

    def before(page: bytes, url: str) -> str:
        tree = trafilatura.load_html(page)
        document = trafilatura.bare_extraction(
            tree, url=url, with_metadata=False, include_comments=False, config=TRAFILATURA_CONFIG
        )
        text = (getattr(document, "text", None) or "").strip()
        if text:
            page_metadata(tree, url=url)
        sanitise("".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip()))
        return text

    def extract(**options) -> Callable[[bytes, str], str | None]:
        return lambda page, url: trafilatura.extract(page, url=url, **options)

    return {
        OURS: ours,
        DECODED: ours_decoded,
        "ours' trafilatura alone (the broad pass where the precise one is short; no second opinion)": merged,
        "trafilatura with favor_precision alone": bare(),
        "ours' readability-lxml alone": lambda page, url: readability_text(page, url=url),
        BEFORE: before,
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
        "ours' precise pass without favor_precision (the text before issue 17)": bare(favor_precision=False),
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
            started = time.process_time()
            try:
                text = run(pages[url], url)
            except Exception:  # scored as a full miss, as trafilatura's evaluation does
                text = None
                matrix.errors += 1
            matrix.seconds += time.process_time() - started
            per_page[name][url] = matrix.add(item, text)

    withs = sum(len(item["with"]) for _, item in items)
    withouts = sum(len(item["without"]) for _, item in items)
    print(f"{len(items)} pages, {withs} 'with' and {withouts} 'without' snippets, from {arguments.corpus}\n")
    print("| configuration | precision | recall | F1 | accuracy | empty | errors | CPU ms/page |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, matrix in matrices.items():
        precision, recall, f1, accuracy = matrix.scores()
        print(
            f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {accuracy:.3f} | {matrix.empty} | "
            f"{matrix.errors} | {matrix.seconds / len(items) * 1000:.0f} |"
        )
    ours, default = matrices[OURS], matrices["trafilatura.extract, defaults"]
    best = max(
        (matrices[name] for name in names if name.startswith("trafilatura")), key=lambda matrix: matrix.scores()[2]
    )
    gap = ours.scores()[2] - best.scores()[2]
    verdict = "above" if gap > 0 else f"below by {-gap:.3f} F1"
    print(
        f"\nOurs against trafilatura's best setting here: F1 {ours.scores()[2]:.3f} vs {best.scores()[2]:.3f}: "
        f"{verdict}; against its defaults {default.scores()[2]:.3f}. Time: "
        f"{ours.seconds / matrices[BEFORE].seconds:.2f}x the extraction before issue 17."
    )
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
