"""Speed: a 5,000-word article against about 1,000 pages (3 MB) of sources.

The bench (bench/quotes) measures the median on a quiet machine (well under a
second); this test keeps a generous bound so a loaded CI runner does not flake,
and checks that the work does not grow with the square of the sizes.
"""

from __future__ import annotations

import random
import time

import pytest

from leakdesk.document import Document
from leakdesk.quotes import build_index, check_quotes


def _source(rng: random.Random, chars: int) -> str:
    vocab = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ra", "si", "tu", "vo", "ze")
             for b in ("ban", "cor", "dim", "fel", "gat", "hun", "jil", "mok", "nor", "pax",
                       "quil", "rost", "sum", "tig", "ulm", "vex", "wold", "yarn")]
    vocab += ["the", "of", "and", "to", "in", "that", "was", "for", "on", "with"] * 6
    paras = []
    size = 0
    while size < chars:
        words = [rng.choice(vocab) for _ in range(rng.randint(40, 120))]
        para = " ".join(words).capitalize() + "."
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)


@pytest.mark.slow
def test_5000_word_article_against_3mb_of_sources() -> None:
    rng = random.Random(7)
    source = _source(rng, 3_000_000)
    words = source.split()
    paras = []
    count = 0
    k = 0
    while count < 5000:
        start = rng.randrange(len(words) - 30)
        quote = " ".join(words[start : start + rng.randint(6, 20)]).strip(".")
        if k % 4 == 1:
            quote = quote.replace(" ", " xyzzy ", 1)  # altered
        filler = " ".join(rng.choice(["reporters", "officials", "today", "later", "plan"])
                          for _ in range(30))
        para = f'The filler text says {filler}. Khan said: "{quote}."'
        paras.append(para)
        count += len(para.split())
        k += 1
    article = "\n\n".join(paras)
    doc = Document.from_text(source)
    t0 = time.perf_counter()
    report = check_quotes(article, build_index({"source.txt": doc}))
    elapsed = time.perf_counter() - t0
    assert len(report.quotes) == k
    assert sum(q.verdict == "verbatim" for q in report.quotes) >= 0.7 * k
    assert elapsed < 4.0, f"{elapsed:.2f} s"
