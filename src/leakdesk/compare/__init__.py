"""Compare copies of one document: every difference that could tell them apart.

    >>> from leakdesk.compare import compare
    >>> result = compare(["a.txt", "b.txt"])          # doctest: +SKIP
    >>> [d.kind for d in result.differences]          # doctest: +SKIP
    ['number', 'invisible', 'wording']

The pipeline: each copy is read through :func:`leakdesk.api.read` (so every
supported format works), tokenized once (:mod:`.normalize`), aligned on
canonical token keys (:mod:`.align`), turned into an exact edit script and
classified (:mod:`.pair`, :mod:`.classify`), with moved text paired up
(:mod:`.moves`).  With more than two copies every copy is compared with the
first and the differences are merged into varying positions with groups of
copies (:mod:`.multi`).  :mod:`.consensus` builds the safest text from them.

Copies that are not versions of one document are refused with
:class:`NotSameDocument` rather than answered with a wall of differences.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import InputError
from ..report import envelope
from .align import Tokens, Vocabulary, shingle_overlap
from .classify import DELIBERATE, KINDS, NOISE
from .model import Difference, LineIndex, Position, Span, Variant
from .multi import positions as _positions
from .pair import PairResult, compare_pair

__all__ = [
    "DELIBERATE",
    "KINDS",
    "MIN_OVERLAP",
    "NOISE",
    "Comparison",
    "Difference",
    "NotSameDocument",
    "PairResult",
    "Position",
    "Span",
    "Variant",
    "compare",
    "compare_documents",
    "compare_texts",
]

#: Below this share of shared word triples, two texts are not copies of one document.
MIN_OVERLAP = 0.25
#: Texts shorter than this many words and marks are always compared.
MIN_TOKENS_TO_REFUSE = 12


class NotSameDocument(InputError):
    """The copies are not versions of the same document."""

    def __init__(self, message: str, path: Path | str | None, similarity: float) -> None:
        super().__init__(message, path)
        self.similarity = similarity


@dataclass(slots=True)
class Comparison:
    """The result of comparing two or more copies.

    ``pairs[k]`` is the first copy against copy ``k + 1``.  For two copies
    :attr:`differences` lists every difference (moves included); for more,
    :attr:`positions` lists every varying position with its variants.
    """

    names: list[str]
    documents: list[Document]
    pairs: list[PairResult]
    _positions: list[Position] | None = field(default=None, repr=False)

    @property
    def positions(self) -> list[Position]:
        """Every varying position with the groups of copies sharing each variant."""
        if self._positions is None:
            with _no_gc_pauses():
                self._positions = _positions(self.names, [d.text for d in self.documents],
                                             self.pairs)
        return self._positions

    @property
    def differences(self) -> list[Difference]:
        return self.pairs[0].differences if len(self.pairs) == 1 else []

    @property
    def identical(self) -> bool:
        first = self.documents[0].text
        return all(d.text == first for d in self.documents[1:])

    @property
    def similarity(self) -> float:
        """The lowest similarity of a copy to the first (share of aligned words and marks)."""
        return min((p.similarity for p in self.pairs), default=1.0)

    @property
    def count(self) -> int:
        return len(self.differences) if len(self.pairs) == 1 else len(self.positions)

    def to_json(self) -> dict[str, Any]:
        """The report: ``leakdesk.report.envelope("compare", ...)``."""
        with _no_gc_pauses():
            return self._to_json()

    def _to_json(self) -> dict[str, Any]:
        copies = []
        for i, (name, doc) in enumerate(zip(self.names, self.documents, strict=True)):
            entry: dict[str, Any] = {
                "name": name,
                "path": str(doc.path) if doc.path else "",
                "format": doc.format,
                "characters": len(doc.text),
            }
            if len(self.names) == 2:
                entry["role"] = "ab"[i]
            copies.append(entry)
        docs = dict(zip(self.names, self.documents, strict=True))
        lines = {n: LineIndex(d.text) for n, d in docs.items()}
        if len(self.pairs) == 1:
            pair = self.pairs[0]
            pl = (lines[pair.name_a], lines[pair.name_b])
            diffs = [d.to_json(pair.doc_a, pair.doc_b, pl)
                     for d in pair.differences]
            items = pair.differences
        else:
            diffs = [p.to_json(self.names, docs, lines) for p in self.positions]
            items = self.positions  # type: ignore[assignment]
        deliberate = sum(1 for d in items if not d.noise)
        by_kind: dict[str, int] = {}
        for d in items:
            by_kind[d.kind] = by_kind.get(d.kind, 0) + 1
        return envelope(
            "compare",
            copies=copies,
            similarity=round(self.similarity, 4),
            identical=self.identical,
            pairs=[
                {
                    "a": p.name_a,
                    "b": p.name_b,
                    "similarity": round(p.similarity, 4),
                    "layout": p.profile.describe(),
                    "rewrapped": p.profile.rewrapped,
                    "scan_like": p.profile.scan_like,
                    "differences": len(p.differences),
                    "deliberate": len(p.deliberate),
                    "noise": len(p.noise),
                    "notes": p.notes,
                }
                for p in self.pairs
            ],
            summary={
                "differences": len(items),
                "deliberate": deliberate,
                "noise": len(items) - deliberate,
                "by_kind": by_kind,
            },
            differences=diffs,
        )


def _names(docs: Sequence[Document], given: Sequence[str] | None) -> list[str]:
    if given is not None:
        if len(given) != len(docs):
            raise ValueError("one name per copy")
        return list(given)
    base = [d.path.name if d.path else f"copy{i + 1}" for i, d in enumerate(docs)]
    full = [str(d.path) if d.path else f"copy{i + 1}" for i, d in enumerate(docs)]
    names = base if len(set(base)) == len(base) else full
    if len(set(names)) != len(names):
        names = [f"{n}#{i + 1}" for i, n in enumerate(names)]
    return names


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hundreds of thousands of small objects: the cyclic GC would rescan them all, often."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def compare_documents(
    docs: Sequence[Document],
    *,
    names: Sequence[str] | None = None,
    force: bool = False,
    moves: bool = True,
) -> Comparison:
    """Compare documents already read; the first is the reference."""
    with _no_gc_pauses():
        return _compare_documents(docs, names=names, force=force, moves=moves)


def _compare_documents(
    docs: Sequence[Document],
    *,
    names: Sequence[str] | None,
    force: bool,
    moves: bool,
) -> Comparison:
    if len(docs) < 2:
        raise ValueError("compare needs at least two copies")
    labels = _names(docs, names)
    vocab = Vocabulary()
    toks: list[Tokens] = [vocab.tokenize(d.text) for d in docs]
    if not force:
        for k in range(1, len(docs)):
            if min(len(toks[0]), len(toks[k])) < MIN_TOKENS_TO_REFUSE:
                continue  # a line or two: too short to judge, compare anyway
            overlap = shingle_overlap(toks[0].keys, toks[k].keys)
            if overlap < MIN_OVERLAP:
                raise NotSameDocument(
                    f"not a copy of the same document as {labels[0]} (similarity {overlap:.0%}: "
                    f"they share too few word sequences); compare lines up copies of one "
                    "document. Use --force to compare anyway",
                    docs[k].path or labels[k],
                    overlap,
                )
    pairs = [
        compare_pair(toks[0], toks[k], docs[0], docs[k], labels[0], labels[k], moves=moves,
                     strength=vocab.break_strength)
        for k in range(1, len(docs))
    ]
    return Comparison(labels, list(docs), pairs)


def compare(
    copies: Sequence[str | Path | Document],
    *,
    names: Sequence[str] | None = None,
    force: bool = False,
    moves: bool = True,
    ocr: bool = True,
) -> Comparison:
    """Read and compare two or more copies (paths of any supported format, or Documents).

    Raises :class:`NotSameDocument` (an :class:`~leakdesk.errors.InputError`)
    when a copy shares too little text with the first, unless ``force``.
    """
    from ..api import read

    docs = [c if isinstance(c, Document) else read(c, ocr=ocr) for c in copies]
    return compare_documents(docs, names=names, force=force, moves=moves)


def compare_texts(text_a: str, text_b: str, *, force: bool = False) -> list[dict[str, Any]]:
    """The differences between two texts as JSON-ready dicts (for the review web UI)."""
    docs = [Document.from_text(text_a), Document.from_text(text_b)]
    result = compare_documents(docs, names=["a", "b"], force=force)
    return [d.to_json(docs[0], docs[1]) for d in result.differences]
