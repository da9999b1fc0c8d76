"""Check every quotation in an article against its source documents.

    >>> from leakdesk.quotes import check_texts
    >>> [q["verdict"] for q in check_texts(
    ...     'Khan said: "We will reverse the decision."',
    ...     {"memo.txt": "We will review the decision in May."})]
    ['altered']

:func:`check_quotes` takes an article and its sources (``Document`` objects,
or a ``{name: text}`` mapping, or a prebuilt :class:`SourceIndex`) and returns a
:class:`QuoteReport`: each quotation with its kind, speaker, verdict, score,
source passage and word diff; the paragraphs repeated in the article; and the
quotation marks that do not pair up.  :func:`find_reuse` shows which passages
of one document were copied from another.

The pipeline: :mod:`.extract` (quotations) → :mod:`.speakers` (who) →
:mod:`.align` (where in the sources) → :mod:`.verdict` (what it means);
:mod:`.reuse` for repeated paragraphs and copied passages.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from .align import SKIPPED_PARTS, Aligner, SourceIndex, quote_words
from .extract import Extraction, Quotation, Unbalanced, extract, extract_quotes, word_count
from .reuse import Duplicate, ReuseReport, find_duplicates, find_reuse
from .speakers import Attributor, inherit
from .verdict import VERDICTS, Judge

__all__ = [
    "VERDICTS",
    "CheckedQuote",
    "Duplicate",
    "Quotation",
    "QuoteReport",
    "ReuseReport",
    "SourceIndex",
    "Unbalanced",
    "build_index",
    "check_quotes",
    "check_texts",
    "extract_quotes",
    "find_duplicates",
    "find_reuse",
]

#: Verdicts that make ``leakdesk quotes`` exit 1.
FAILING = frozenset({"altered", "not_in_source"})

Sources = SourceIndex | Sequence[Document] | Mapping[str, "str | Document"]


@dataclass(slots=True)
class CheckedQuote:
    quotation: Quotation
    kind: str
    speaker: str | None
    verdict: str
    score: float
    source_path: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    source_text: str | None = None
    diff: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    source_document: Document | None = None

    @property
    def text(self) -> str:
        return self.quotation.text

    def to_json(self) -> dict[str, Any]:
        q = self.quotation
        data: dict[str, Any] = {
            "text": q.text,
            "kind": self.kind,
            "speaker": self.speaker,
            "verdict": self.verdict,
            "score": self.score,
            "article": {"start": q.start, "end": q.end},
            "source": None,
            "diff": self.diff,
        }
        if len(q.parts) > 1:
            data["article"]["parts"] = [{"start": a, "end": b} for a, b in q.parts]
        if self.source_path is not None:
            data["source"] = {
                "path": self.source_path,
                "start": self.source_start,
                "end": self.source_end,
                "text": self.source_text,
            }
        if self.reasons:
            data["reasons"] = self.reasons
        if q.style == "block":
            data["block"] = True
        return data


@dataclass(slots=True)
class QuoteReport:
    article: Document
    quotes: list[CheckedQuote]
    duplicates: list[Duplicate]
    unbalanced: list[Unbalanced]
    sources: list[str]

    @property
    def failed(self) -> bool:
        return any(q.verdict in FAILING for q in self.quotes)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for q in self.quotes:
            out[q.verdict] += 1
        return out

    def unbalanced_json(self) -> list[dict[str, Any]]:
        out = []
        for u in self.unbalanced:
            line, col = self.article.line_col(u.offset)
            out.append({"offset": u.offset, "line": line, "col": col, "mark": u.mark,
                        "message": u.message})
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "article": str(self.article.path) if self.article.path else "",
            "sources": self.sources,
            "quotes": [q.to_json() for q in self.quotes],
            "duplicates": [d.to_json() for d in self.duplicates],
            "unbalanced": self.unbalanced_json(),
            "summary": self.counts(),
        }


def _kind(q: Quotation, adjacent: bool) -> str:
    """``term`` for scare quotes and quoted words, ``speech`` for the rest."""
    if q.style == "block" or len(q.parts) > 1:
        return "speech"
    body = q.text.strip()
    inner = body.rstrip(",")
    if word_count(body) <= 3 and not any(c in ".!?;:…" for c in inner) and not adjacent:
        return "term"
    return "speech"


def build_index(sources: Sources) -> SourceIndex:
    """Index the sources once; pass the index to :func:`check_quotes` for many articles."""
    if isinstance(sources, SourceIndex):
        return sources
    pairs: list[tuple[str, Document]] = []
    if isinstance(sources, Mapping):
        for name, value in sources.items():
            doc = value if isinstance(value, Document) else Document.from_text(value)
            pairs.append((str(name), doc))
    else:
        for i, doc in enumerate(sources):
            pairs.append((str(doc.path) if doc.path else f"source-{i + 1}", doc))
    # attachments and archive members are sources too: "mail.eml!memo.pdf"
    return SourceIndex(
        (name if depth == 0 else f"{name}!{child_name}", d)
        for name, doc in pairs
        for depth, child_name, d in _walk(doc)
    )


def _walk(doc: Document, depth: int = 0, name: str = "") -> list[tuple[int, str, Document]]:
    out = [(depth, name, doc)]
    if depth >= 8:
        return out
    for i, child in enumerate(doc.children):
        cname = child.path.name if child.path is not None else f"#{i + 1}"
        out.extend(_walk(child, depth + 1, f"{name}!{cname}" if name else cname))
    return out


def _article_doc(article: Document | str) -> Document:
    return article if isinstance(article, Document) else Document.from_text(article)


def check_quotes(article: Document | str, sources: Sources) -> QuoteReport:
    """Every quotation of ``article`` with its speaker and its verdict against ``sources``."""
    doc = _article_doc(article)
    text = doc.text
    ext: Extraction = extract(text)
    quotes = [q for q in ext.quotes if _part(doc, q.start) not in SKIPPED_PARTS]
    attributor = Attributor(text, quotes, ext.paragraphs)
    found = [attributor.attribute(i) for i in range(len(quotes))]
    kinds = [_kind(q, a.adjacent) for q, a in zip(quotes, found, strict=True)]
    atts = inherit(attributor, quotes, found, kinds)
    index = build_index(sources)
    aligner = Aligner(index, text)
    judge = Judge(text, index)
    checked: list[CheckedQuote] = []
    qws = [quote_words(text, q) for q in quotes]
    pairs: list[tuple[int, int]] = []
    for qw in qws:
        for chunk in qw.chunks:
            for w in chunk:
                w.wid = index.word_id(w.raw)
            pairs.extend((a.wid, b.wid) for a, b in itertools.pairwise(chunk))
    index.prepare(pairs)  # one pass over the sources for every bigram of every quotation
    for q, kind, att, qw in zip(quotes, kinds, atts, qws, strict=True):
        al = aligner.align(qw)
        v = judge.judge(qw, al)
        speaker = att.speaker if (kind == "speech" or att.how in ("pre", "post", "split")) else None
        cq = CheckedQuote(q, kind, speaker, v.verdict, v.score, diff=v.diff, reasons=v.reasons)
        if v.source >= 0 and v.verdict != "not_in_source":
            src = index.sources[v.source]
            cq.source_path = src.name
            cq.source_start, cq.source_end = v.start, v.end
            cq.source_text = src.document.text[v.start : v.end]
            cq.source_document = src.document
        checked.append(cq)
    return QuoteReport(
        article=doc,
        quotes=checked,
        duplicates=find_duplicates(text),
        unbalanced=list(ext.unbalanced),
        sources=[s.name for s in index.sources],
    )


def _part(doc: Document, offset: int) -> str:
    seg = doc.segment_at(offset)
    return seg.part if seg is not None else "body"


def check_texts(article: str, sources: Mapping[str, str]) -> list[dict[str, Any]]:
    """The quotations of an article text checked against named source texts, as JSON."""
    return [q.to_json() for q in check_quotes(article, sources).quotes]


def check_files(article: str | Path, sources: Sequence[str | Path]) -> QuoteReport:
    """Read the article and the sources (any format leakdesk reads) and check the quotes."""
    from ..api import read

    doc = read(article)
    docs = []
    for s in sources:
        d = read(s)
        d.path = Path(s)
        docs.append(d)
    report = check_quotes(doc, docs)
    return report
