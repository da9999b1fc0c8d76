"""python -m bench.quotes [--per-class 150] [--quid-per-class 25] [--no-quid] [--speed-runs 5]

Accuracy of ``leakdesk quotes`` per perturbation class on quotations drawn
from the King James Bible (Debian's bible-kjv), against two peers measured on
the same quotations in the same run:

- a difflib baseline: exact substring → verbatim; the same words after
  lower-casing and dropping punctuation → variation; otherwise the best
  ``difflib.SequenceMatcher`` coverage of the quotation in the candidate verses
  (those sharing its rarest words) ≥ 0.8 → altered; else not in source;
- Quid 2.6.7 (PyPI ``quid``, Apache-2.0), a quotation finder: a quotation it
  matches is verbatim if the texts are equal, a variation if the words are
  equal, else altered; one it does not match is not in the source.  Quid takes
  seconds per quotation against a 3 MB source, so it runs on the first
  ``--quid-per-class`` quotations of each class, and the table for that subset
  gives leakdesk and difflib on exactly those quotations too.

Then the speed of a 5,000-word article with 100 quotations against the
3 MB source (about 1,000 pages): median of ``--speed-runs`` runs of
``check_quotes`` with the index built in the run, and of the CLI end to end.
Results: stdout and bench/quotes/results.md.
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from leakdesk.document import Document
from leakdesk.quotes import build_index, check_quotes
from leakdesk.quotes.align import WORD_RE, norm

from .corpus import Corpus, build
from .generate import CLASSES, EXPECTED, Generator, Sample, articles

HERE = Path(__file__).parent


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# -- leakdesk --------------------------------------------------------------------


def run_leakdesk(corpus: Corpus, samples: list[Sample]) -> tuple[dict[int, dict], float]:
    index = build_index({"kjv-source.txt": Document.from_text(corpus.source_text)})
    results: dict[int, dict] = {}
    t0 = time.perf_counter()
    for text, placed in articles(samples):
        report = check_quotes(text, index)
        by_mark = {q.quotation.outer_start: q for q in report.quotes}
        for off, s in placed:
            q = by_mark.get(off)
            results[id(s)] = {
                "verdict": q.verdict if q else "missed",
                "speaker": q.speaker if q else None,
                "text_ok": bool(q) and _norm_words(q.text) == _norm_words(s.quote),
            }
    return results, time.perf_counter() - t0


# -- difflib baseline ---------------------------------------------------------------


def _norm_words(s: str) -> list[str]:
    return [norm(w) for w in WORD_RE.findall(s)]


class DifflibBaseline:
    def __init__(self, corpus: Corpus) -> None:
        self.source = corpus.source_text
        self.verses = [v.text for v, _ in corpus.source_verses]
        self.norm_source = " " + " ".join(_norm_words(corpus.source_text)) + " "
        self.postings: dict[str, list[int]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        for i, v in enumerate(self.verses):
            for w in set(_norm_words(v)):
                self.postings[w].append(i)
                counts[w] += 1
        self.counts = counts

    def verdict(self, quote: str) -> str:
        if quote in self.source:
            return "verbatim"
        words = _norm_words(quote)
        if not words:
            return "not_in_source"
        if " " + " ".join(words) + " " in self.norm_source:
            return "variation"
        rare = sorted(set(words), key=lambda w: self.counts.get(w, 0))[:3]
        cands: dict[int, int] = defaultdict(int)
        for w in rare:
            for i in self.postings.get(w, [])[:2000]:
                cands[i] += 1
        best = 0.0
        q = " ".join(words)
        for i, _ in sorted(cands.items(), key=lambda kv: -kv[1])[:5]:
            window = " ".join(_norm_words(" ".join(self.verses[max(0, i - 1) : i + 2])))
            sm = difflib.SequenceMatcher(None, window, q, autojunk=False)
            cover = sum(b.size for b in sm.get_matching_blocks()) / max(1, len(q))
            best = max(best, cover)
        return "altered" if best >= 0.8 else "not_in_source"


# -- Quid ------------------------------------------------------------------------------


def run_quid(corpus: Corpus, samples: list[Sample]) -> tuple[dict[int, str], dict[int, bool], float] | None:
    try:
        from quid.core.Quid import Quid
    except ImportError:
        return None
    target_parts = []
    spans = {}
    pos = 0
    for s in samples:
        target_parts.append(s.quote + "\n\n")
        spans[id(s)] = (pos, pos + len(s.quote))
        pos += len(s.quote) + 2
    target = "".join(target_parts)
    t0 = time.perf_counter()
    matches = Quid().compare(corpus.source_text, target)
    elapsed = time.perf_counter() - t0
    verdicts: dict[int, str] = {}
    found: dict[int, bool] = {}
    for s in samples:
        a, b = spans[id(s)]
        hit = [m for m in matches if m.target_span.start < b and m.target_span.end > a]
        found[id(s)] = bool(hit)
        if not hit:
            verdicts[id(s)] = "not_in_source"
            continue
        src = " ".join(corpus.source_text[m.source_span.start : m.source_span.end] for m in hit)
        if src.strip(" .,;:") == s.quote.strip(" .,;:"):
            verdicts[id(s)] = "verbatim"
        elif _norm_words(src) == _norm_words(s.quote):
            verdicts[id(s)] = "variation"
        else:
            verdicts[id(s)] = "altered"
    return verdicts, found, elapsed


# -- speed -----------------------------------------------------------------------------


def speed(corpus: Corpus, gen: Generator, runs: int) -> dict[str, float]:
    quotes = [gen.sample(c) for c in CLASSES for _ in range(13)][:100]
    filler_words = WORD_RE.findall(" ".join(v.text for v in corpus.pool[:3000]))
    paras = []
    words = 0
    fi = 0
    for s in quotes:
        n = 38
        filler = " ".join(filler_words[fi : fi + n]).capitalize() + "."
        fi += n
        paras.append(f"{filler} {s.sentence}")
        words += n + len(WORD_RE.findall(s.sentence))
    while words < 5000:
        paras.append(" ".join(filler_words[fi : fi + 60]).capitalize() + ".")
        fi += 60
        words += 60
    article = "\n\n".join(paras) + "\n"
    src_doc = Document.from_text(corpus.source_text)
    t_core = []
    t_index = []
    for _ in range(runs):
        t0 = time.perf_counter()
        index = build_index({"kjv-source.txt": src_doc})
        t1 = time.perf_counter()
        check_quotes(article, index)
        t2 = time.perf_counter()
        t_index.append(t1 - t0)
        t_core.append(t2 - t0)
    with tempfile.TemporaryDirectory() as d:
        art = Path(d) / "article.txt"
        src = Path(d) / "source.txt"
        art.write_text(article)
        src.write_text(corpus.source_text)
        t_cli = []
        for _ in range(max(1, runs // 2 + 1)):
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "leakdesk", "quotes", str(art), "--source",
                                str(src), "--format", "json"], capture_output=True, timeout=600)
            t_cli.append(time.perf_counter() - t0)
            if r.returncode not in (0, 1):
                raise SystemExit(r.stderr.decode()[-2000:])
    return {
        "article_words": float(words),
        "quotes": float(len(quotes)),
        "source_chars": float(len(corpus.source_text)),
        "index_median": statistics.median(t_index),
        "core_median": statistics.median(t_core),
        "cli_median": statistics.median(t_cli),
    }


# -- report ----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-class", type=int, default=150)
    ap.add_argument("--no-quid", action="store_true")
    ap.add_argument("--quid-per-class", type=int, default=25)
    ap.add_argument("--speed-runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--show-errors", action="store_true")
    a = ap.parse_args()

    corpus = build()
    gen = Generator(corpus, a.seed)
    samples = [gen.sample(c) for c in CLASSES for _ in range(a.per_class)]
    gen.rng.shuffle(samples)

    res, t_leakdesk = run_leakdesk(corpus, samples)
    base = DifflibBaseline(corpus)
    t0 = time.perf_counter()
    diff_v = {id(s): base.verdict(s.quote) for s in samples}
    t_difflib = time.perf_counter() - t0
    subset = [s for c in CLASSES for s in [x for x in samples if x.cls == c][: a.quid_per_class]]
    quid = None if a.no_quid else run_quid(corpus, subset)

    rows = []
    qrows = []
    lines_err = []
    for cls in CLASSES:
        group = [s for s in samples if s.cls == cls]
        ok = sum(res[id(s)]["verdict"] == EXPECTED[cls] for s in group)
        dok = sum(diff_v[id(s)] == EXPECTED[cls] for s in group)
        rows.append([cls, EXPECTED[cls], len(group), ok / len(group), dok / len(group)])
        if quid is not None:
            qv, qf, _ = quid
            sub = [s for s in subset if s.cls == cls]
            want_found = cls != "fabricated"
            qrows.append([
                cls, EXPECTED[cls], len(sub),
                sum(res[id(s)]["verdict"] == EXPECTED[cls] for s in sub) / len(sub),
                sum(diff_v[id(s)] == EXPECTED[cls] for s in sub) / len(sub),
                sum(qv[id(s)] == EXPECTED[cls] for s in sub) / len(sub),
                sum(qf[id(s)] == want_found for s in sub) / len(sub),
            ])
        for s in group:
            if res[id(s)]["verdict"] != EXPECTED[cls]:
                lines_err.append(f"{cls}: got {res[id(s)]['verdict']}\n  source: {s.original}\n"
                                 f"  quote:  {s.quote}")
    extracted = sum(res[id(s)]["text_ok"] for s in samples) / len(samples)
    speakers = sum(res[id(s)]["speaker"] == s.speaker for s in samples) / len(samples)
    sp = speed(corpus, gen, a.speed_runs)

    head = "| class | expected | n | leakdesk | difflib baseline |"
    sep = "|---|---|---:|---:|---:|"
    out = [
        "# bench/quotes results",
        "",
        f"Command: `python -m bench.quotes --per-class {a.per_class}"
        f"{' --no-quid' if a.no_quid else ''}` · {datetime.now(UTC):%Y-%m-%d} · "
        f"{os.cpu_count()} cores ({_cpu()}) · Python {platform.python_version()}",
        "",
        f"Source: the first books of the King James Bible (Debian `bible-kjv`), "
        f"{len(corpus.source_text):,} characters (about 1,000 pages). "
        f"{len(samples)} quotations ({a.per_class} per class), each in its own article "
        "paragraph with a speaker; fabricated quotations come from the other books and share "
        "no four-word run with the source.",
        "",
        "## Accuracy per class",
        "",
        head,
        sep,
    ]
    for row in rows:
        cells = [str(row[0]), str(row[1]), str(row[2])] + [f"{x:.1%}" for x in row[3:]]
        out.append("| " + " | ".join(cells) + " |")
    if quid is not None:
        out += [
            "",
            f"### With Quid, on the first {a.quid_per_class} quotations of each class",
            "",
            "Quid finds passages; it does not classify them. *Quid (verdict)* maps its "
            "matches as described in bench/quotes/__main__.py; *Quid (found)* counts a "
            "quotation of the first seven classes as right when Quid matched it, and a "
            "fabricated one when it did not.",
            "",
            "| class | expected | n | leakdesk | difflib baseline | Quid (verdict) | Quid (found) |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in qrows:
            cells = [str(row[0]), str(row[1]), str(row[2])] + [f"{x:.1%}" for x in row[3:]]
            out.append("| " + " | ".join(cells) + " |")
    out += [
        "",
        f"Quotations extracted with the right text: {extracted:.1%}; speaker right: {speakers:.1%}.",
        f"Time for all {len(samples)} quotations (index built once): leakdesk "
        f"{t_leakdesk:.2f} s, difflib baseline {t_difflib:.2f} s"
        + (f"; Quid {quid[2]:.0f} s for its {len(subset)}" if quid is not None else "") + ".",
        "",
        "## Speed",
        "",
        f"A {int(sp['article_words']):,}-word article with {int(sp['quotes'])} quotations "
        f"against a {int(sp['source_chars']):,}-character source:",
        "",
        f"- `check_quotes` including building the index: median {sp['core_median']:.2f} s "
        f"(index alone {sp['index_median']:.2f} s), {a.speed_runs} runs;",
        f"- `leakdesk quotes ... --format json` end to end (process start, reading both files "
        f"in the sandbox, JSON): median {sp['cli_median']:.2f} s.",
        "",
    ]
    text = "\n".join(out)
    print(text)
    if a.show_errors:
        print("\n".join(lines_err[:80]))
    (HERE / "results.md").write_text(text)


if __name__ == "__main__":
    main()
