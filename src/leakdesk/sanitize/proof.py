"""The residue proof: re-open a sanitized output and show nothing removed survives.

:func:`prove` takes the plan and the freshly written output (still a private
temporary file) and runs these checks; the output is renamed into place only
if none fails.

``format``
    The output is sniffed again by content and must be the format the adapter
    meant to write.
``bytes``
    Every removed string is searched in every decompressed stream the adapter
    yields (:meth:`~leakdesk.formats.base.FormatAdapter.residue_streams`),
    ignoring ASCII case, as UTF-8, UTF-16 LE and BE, Latin-1 and cp1252, as a
    PDF literal string (with ``\\(`` ``\\)`` ``\\\\`` and octal escapes, in PDFDoc
    and UTF-16BE), as a PDF hex string (both byte orders of hex digits' case),
    and XML-escaped (``&amp;``, ``&#1072;``).  A short single word (letters and
    digits only, at most 8 of them) is searched as a whole word: an occurrence
    next to an ASCII letter or digit (``Notes`` in ``notesSlide``, in
    ``notesMaster1.xml``) does not count; and in a stream that is well-formed
    XML without a DOCTYPE, it is searched in the content only (text, attribute
    values, comments, processing instructions), not in element and attribute
    names (``<text:p>``, ``<style:style>`` hold no removed text).  The kept
    text then allows as many occurrences as it holds whole words.  The ``text``
    check still finds such a word glued to another.
``text``
    Every removed string is searched in the output's text as two readers see
    it (the adapter's independent extractor and its own reader), after NFKC,
    with all whitespace and invisible characters ignored, hyphenated line
    breaks joined, and case folded.
``invisible``
    No invisible character (format/Cf, variation selector, private use, stray
    control, unusual space) is in the output's text.
``homoglyph``
    No mixed-script word with a confusable letter is in the output's text.
``revisions``
    The output holds one revision (adapters with revisions define
    ``revision_count(path, options)``; other formats have one by nature).
``attachments``
    The output, read again, has no attached or embedded documents.
``container``
    Container traces the reader still reports on the output (a warning, not a
    failure: a fresh document ID is not a trace of the source).

**What counts as a survivor.** A removed string that also occurs in the text
that was *kept* (the word "SECRET" in a kept sentence, after a "SECRET"
banner was removed) may occur in the output as often as it occurs in the kept
clean text, and no more (in the bytes: in no stream more often, since a raw
file repeats its uncompressed streams); every other removed string may not
occur at all, anywhere.
The same rule allows an invisible character or a homoglyph word only as often
as the clean text holds it (when a policy keeps one on purpose).

**What is too short to search.** A removed string is searched in the text
when it has at least 4 characters once folded (whitespace and invisible
characters removed), and in the bytes when it also holds a letter, or has at
least 8 characters (short digit strings such as "2217" occur by chance in any
binary stream).  Shorter strings are counted in the report as not searched;
single invisible characters are covered by the ``invisible`` check instead.

The report never holds a removed string: each is named by an id (``R001``...)
that only the redaction log (``--report``) maps back to its text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import regex
from lxml import etree

from ..document import Document
from ..errors import InputError, LeakdeskError, ProofFailed
from ..formats import FormatAdapter, ReadOptions, detect
from .chars import INVISIBLE_RE, homoglyph_words, invisible_counts
from .plan import CleanPlan

MIN_TEXT_CHARS = 4
MIN_BYTES_CHARS = 4
MIN_BYTES_DIGITS_ONLY = 8
#: A removed single word (letters and digits only) this short or shorter is searched in
#: the bytes as a whole word, and in XML streams outside element and attribute names.
SHORT_WORD_CHARS = 8
#: A text view must give back at least this share of the kept words to count.
MIN_VIEW_COVERAGE = 0.5

#: The byte forms searched (see :func:`byte_patterns`).
ENCODINGS: tuple[str, ...] = (
    "utf-8", "utf-16-le", "utf-16-be", "latin-1", "cp1252",
    "pdf-literal", "pdf-literal-raw", "pdf-literal (utf-16-be)", "pdf-hex", "pdf-hex (utf-16-be)",
    "xml", "xml-charref",
)

#: Statuses of a check.  Only "failed" fails the proof.
PASSED, FAILED, SKIPPED, WARNING = "passed", "failed", "skipped", "warning"

_HYPHEN_BREAK_RE = regex.compile(r"(?<=\p{L})[-\u00ad\u2010]\s*[\r\n]+\s*(?=\p{L})")
_LETTER_RE = regex.compile(r"\p{L}")
_WORD4_RE = regex.compile(r"\p{L}{4,}")
_SHORT_WORD_RE = regex.compile(r"[\p{L}\p{N}]+")


@runtime_checkable
class RevisionCounter(Protocol):
    """An adapter whose format keeps revisions (PDF incremental updates...)."""

    def revision_count(self, path: Path, options: ReadOptions) -> int: ...


class ResidueProofFailed(ProofFailed):
    """The proof failed; the output was deleted.  Exit code 3."""

    exit_code = 3

    def __init__(self, message: str, report: ProofReport, path: Path | None = None) -> None:
        super().__init__(message, path)
        self.report = report
        #: The redaction log, if one was written before the proof failed.
        self.redaction_log: Path | None = None


def fold(text: str) -> str:
    """Text as the proof compares it: NFKC, no whitespace or invisibles, case folded."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "\n" in text or "\r" in text:
        text = _HYPHEN_BREAK_RE.sub("", text)
    text = "".join(text.split())  # str.split() knows every Unicode space
    if INVISIBLE_RE.search(text):
        text = INVISIBLE_RE.sub("", text)
    return text.casefold()


# -- byte encodings -----------------------------------------------------------------


def _pdf_literal(data: bytes) -> bytes:
    out = bytearray()
    for b in data:
        if b in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([b])
        elif 0x20 <= b <= 0x7E:
            out.append(b)
        else:
            out += b"\\%03o" % b
    return bytes(out)


def _pdf_literal_raw(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def byte_patterns(s: str) -> list[tuple[str, bytes]]:
    """Every byte form ``s`` could take in an output, lower-cased, without duplicates."""
    forms: list[tuple[str, bytes]] = [("utf-8", s.encode("utf-8", "surrogatepass"))]
    forms.append(("utf-16-le", s.encode("utf-16-le", "surrogatepass")))
    forms.append(("utf-16-be", s.encode("utf-16-be", "surrogatepass")))
    single: list[tuple[str, bytes]] = []
    for enc in ("latin-1", "cp1252"):
        try:
            single.append((enc, s.encode(enc)))
        except UnicodeEncodeError:
            continue
    forms.extend(single)
    for enc, data in single:
        forms.append((f"pdf-literal ({enc})", _pdf_literal(data)))
        forms.append((f"pdf-literal-raw ({enc})", _pdf_literal_raw(data)))
        forms.append((f"pdf-hex ({enc})", data.hex().encode()))
    be = s.encode("utf-16-be", "surrogatepass")
    forms.append(("pdf-literal (utf-16-be)", _pdf_literal(be)))
    forms.append(("pdf-hex (utf-16-be)", be.hex().encode()))
    forms.append(("xml", html.escape(s, quote=True).encode("utf-8", "surrogatepass")))
    forms.append(("xml-charref", html.escape(s, quote=False).encode("ascii", "xmlcharrefreplace")))
    out: list[tuple[str, bytes]] = []
    seen: set[bytes] = set()
    for label, data in forms:
        low = data.lower()
        if low and low not in seen:
            seen.add(low)
            out.append((label, low))
    return out


# -- whole-word search of short words ---------------------------------------------------

#: Hex digits (lower case) of an ASCII letter or digit: 0-9, A-Z, a-z.
_HEX_ALNUM = rb"(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])"


def is_short_word(s: str) -> bool:
    """A single word of letters and digits, short enough to occur inside markup names."""
    core = s.strip()
    return len(core) <= SHORT_WORD_CHARS and bool(_SHORT_WORD_RE.fullmatch(core))


def word_pattern(label: str, pat: bytes) -> re.Pattern[bytes]:
    """``pat`` (a byte form from :func:`byte_patterns`) not next to a letter or digit.

    The neighbour is read in the form's own encoding: one byte, a UTF-16 code unit,
    a PDF octal-escaped UTF-16 unit or a pair (quad) of hex digits.  Only ASCII
    letters and digits are taken for word characters, so a non-ASCII neighbour
    never hides a match (the search errs on the side of finding).
    """
    if label == "utf-16-le":
        before, after = rb"(?<![a-z0-9]\x00)", rb"(?![a-z0-9]\x00)"
    elif label == "utf-16-be":
        before, after = rb"(?<!\x00[a-z0-9])", rb"(?!\x00[a-z0-9])"
    elif label == "pdf-literal (utf-16-be)":
        before, after = rb"(?<!\\000[a-z0-9])", rb"(?!\\000[a-z0-9])"
    elif label == "pdf-hex (utf-16-be)":
        before = rb"(?<!00" + _HEX_ALNUM + rb")"
        after = rb"(?!00" + _HEX_ALNUM + rb")"
    elif label.startswith("pdf-hex"):
        before, after = rb"(?<!" + _HEX_ALNUM + rb")", rb"(?!" + _HEX_ALNUM + rb")"
    else:
        before, after = rb"(?<![a-z0-9])", rb"(?![a-z0-9])"
    return re.compile(before + re.escape(pat) + after)


def _text_word_count(word: str, text: str) -> int:
    """Whole-word occurrences of ``word`` in ``text`` (both lower-cased)."""
    rx = regex.compile(r"(?<![\p{L}\p{N}])" + regex.escape(word) + r"(?![\p{L}\p{N}])")
    return len(rx.findall(text))


def xml_content(data: bytes, low: bytes) -> bytes | None:
    """The content of a well-formed XML stream without its markup names, or None.

    Text, tails, attribute values, newly declared namespace URIs, comments and
    processing instructions, one per line, UTF-8.  None when the stream is not
    well-formed XML, is too deep or large for a plain parser, or has a DOCTYPE
    (entity declarations are content the parser would not show): such a stream
    is searched as raw bytes.
    """
    head = data[:256].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    if not head.startswith(b"<") or b"<!doctype" in low or b"<\x00!\x00d\x00o\x00c" in low:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=False, remove_pis=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    out: list[str] = []

    def node_text(node: Any) -> None:
        if isinstance(node, etree._ProcessingInstruction):
            out.append(str(node.target))
        if node.text:
            out.append(node.text)

    for node in reversed(list(root.itersiblings(preceding=True))):
        node_text(node)
        if node.tail:
            out.append(node.tail)
    for node in root.iter():
        if isinstance(node.tag, str):
            parent = node.getparent()
            inherited = parent.nsmap if parent is not None else {}
            for prefix, uri in node.nsmap.items():
                if inherited.get(prefix) != uri:
                    out.append(uri)
            out.extend(str(v) for v in node.attrib.values())
            if node.text:
                out.append(node.text)
        else:
            node_text(node)
        if node is not root and node.tail:
            out.append(node.tail)
    for node in root.itersiblings():
        node_text(node)
    return "\n".join(out).encode("utf-8", "surrogatepass")


# -- report ------------------------------------------------------------------------------


@dataclass(slots=True)
class ProofCheck:
    id: str
    title: str
    status: str = PASSED
    detail: str = ""
    searched: dict[str, Any] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, **failure: Any) -> None:
        self.status = FAILED
        self.failures.append(failure)

    def to_json(self, secrets: Sequence[str] | None = None) -> dict[str, Any]:
        failures = []
        for raw in self.failures:
            f = dict(raw)
            text = f.pop("_text", None)
            if secrets is not None:
                if "string" in f:
                    f["text"] = secrets[int(f["string"][1:]) - 1]
                elif text is not None:
                    f["text"] = text
            failures.append(f)
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "searched": self.searched,
            "failures": failures,
        }


@dataclass(slots=True)
class ProofReport:
    """What the proof checked and found; :attr:`passed` decides the output's fate."""

    checks: list[ProofCheck]
    format: str
    strings: dict[str, int]
    output: str | None = None
    #: The removed strings, by id order (R001 = index 0).  Never in to_json() unless asked.
    _secrets: list[str] = field(default_factory=list, repr=False)

    @property
    def passed(self) -> bool:
        return not any(c.status == FAILED for c in self.checks)

    @property
    def failed_checks(self) -> list[ProofCheck]:
        return [c for c in self.checks if c.status == FAILED]

    def check(self, id: str) -> ProofCheck:
        for c in self.checks:
            if c.id == id:
                return c
        raise KeyError(id)

    def summary(self) -> str:
        """One line without any sensitive text."""
        if self.passed:
            return f"residue proof passed ({len(self.checks)} checks)"
        bits = []
        for c in self.failed_checks:
            bits.append(f"{c.id}: {c.detail}" if c.detail else c.id)
        return "residue proof failed (" + "; ".join(bits) + ")"

    def to_json(self, *, reveal: bool = False) -> dict[str, Any]:
        """The report; ``reveal`` adds the removed strings (for the redaction log only)."""
        secrets = self._secrets if reveal else None
        data: dict[str, Any] = {
            "passed": self.passed,
            "format": self.format,
            "output": self.output,
            "strings": self.strings,
            "checks": [c.to_json(secrets) for c in self.checks],
        }
        return data


# -- the proof ------------------------------------------------------------------------------


def _string_id(i: int) -> str:
    return f"R{i + 1:03d}"


def _bytes_searchable(s: str) -> bool:
    core = INVISIBLE_RE.sub("", s).strip()
    if _LETTER_RE.search(core):
        return len(core) >= MIN_BYTES_CHARS
    return len(core) >= MIN_BYTES_DIGITS_ONLY


def _words4(text: str) -> set[str]:
    return {w.casefold() for w in _WORD4_RE.findall(text)}


def _coverage(want: set[str], view: str) -> float:
    """Share of the kept words (``want``) that ``view`` gives back."""
    if not want:
        return 1.0
    return len(want & _words4(view)) / len(want)


def prove(
    plan: CleanPlan,
    path: Path,
    *,
    writer: FormatAdapter | None = None,
    options: ReadOptions | None = None,
) -> ProofReport:
    """Run every check on the output at ``path``; never raises for a failed check."""
    path = Path(path)
    options = options or ReadOptions()
    ropts = ReadOptions(options.password, None, False, options.limits, options.depth)
    clean = plan.clean_text
    removed = list(plan.removed)
    cats = list(plan.removed_categories) + [""] * (len(removed) - len(plan.removed_categories))
    checks: list[ProofCheck] = []

    # format
    fmt = ProofCheck("format", "The output is re-opened and sniffed by its content")
    adapter: FormatAdapter | None = None
    try:
        adapter = detect(path)
    except LeakdeskError as exc:
        fmt.fail(reason="unreadable")
        fmt.detail = f"the output cannot be identified ({exc.message})"
    if adapter is not None:
        fmt.searched = {"detected": adapter.name, "expected": writer.name if writer else None}
        if writer is not None and adapter.name != writer.name:
            fmt.fail(reason="format mismatch", detected=adapter.name, expected=writer.name)
            fmt.detail = f"written as {writer.name} but reads as {adapter.name}"
        else:
            fmt.detail = f"reads as {adapter.name}"
    checks.append(fmt)
    # the writer knows its format best; detection only confirms the format
    view_adapter = writer if writer is not None else adapter
    if view_adapter is None:
        return ProofReport(checks, "unknown", {"total": len(removed)}, _secrets=removed)

    # which strings can be searched
    folded = [fold(s) for s in removed]
    long_ids = [i for i, f in enumerate(folded) if len(f) >= MIN_TEXT_CHARS]
    # A word that carried an invisible character ("Amba\u200bssador") folds to the
    # clean word itself: it is searched in the bytes as written, and the
    # invisible check covers the text.
    marked = {i for i in long_ids if INVISIBLE_RE.search(removed[i])}
    text_ids = [i for i in long_ids if i not in marked]
    byte_ids = [i for i in long_ids if _bytes_searchable(removed[i])]
    clean_lower = clean.lower()
    clean_folded = fold(clean)
    strings = {
        "total": len(removed),
        "searched_in_text": len(text_ids),
        "searched_in_bytes": len(byte_ids),
        "too_short": len(removed) - len(long_ids),
        "text_only": len(set(text_ids) - set(byte_ids)),
        "marked_words": len(marked),
        "also_in_kept_text": sum(1 for i in text_ids if clean_folded.count(folded[i]) > 0),
    }

    # bytes
    bc = ProofCheck("bytes", "No removed string in any byte of any decompressed stream")
    patterns = {i: byte_patterns(removed[i]) for i in byte_ids}
    # short single words: whole words only, and not in XML markup names
    words = {i: [(enc, word_pattern(enc, pat)) for enc, pat in patterns[i]]
             for i in byte_ids if is_short_word(removed[i])}
    allowed_b = {
        i: (_text_word_count(removed[i].strip().lower(), clean_lower) if i in words
            else clean_lower.count(removed[i].lower()))
        for i in byte_ids
    }
    xml_streams = 0
    found_b: Counter[int] = Counter()
    where: dict[int, list[dict[str, Any]]] = {}
    stream_info: list[dict[str, Any]] = []
    total_bytes = 0
    try:
        for label, data in view_adapter.residue_streams(path, ropts):
            total_bytes += len(data)
            if len(stream_info) < 50:
                stream_info.append({"label": label, "bytes": len(data)})
            low = data.lower()
            content: bytes | None = None
            if words:
                content = xml_content(data, low)
                if content is not None:
                    content = content.lower()
                    xml_streams += 1
            for i, pats in patterns.items():
                best = 0
                for k, (enc, pat) in enumerate(pats):
                    if i in words:
                        hay = low if content is None else content
                        # the plain search first: the pattern is rarely there at all
                        c = len(words[i][k][1].findall(hay)) if pat in hay else 0
                    else:
                        c = low.count(pat)
                    if c:
                        where.setdefault(i, []).append({"stream": label, "encoding": enc, "count": c})
                        best = max(best, c)
                # A string the kept text holds may legitimately sit in the output, and the
                # raw file repeats every uncompressed stream: count the busiest stream.
                # Any other string may not occur at all, so every occurrence counts.
                found_b[i] = max(found_b[i], best) if allowed_b[i] else found_b[i] + best
            del low, content
    except (LeakdeskError, OSError, ValueError, RuntimeError) as exc:
        bc.fail(reason="streams unreadable")
        bc.detail = f"could not read the output's streams ({type(exc).__name__})"
    for i in byte_ids:
        if found_b[i] > allowed_b[i]:
            bc.fail(string=_string_id(i), category=cats[i], found=found_b[i],
                    allowed=allowed_b[i], where=where.get(i, [])[:10])
    n_streams = len(stream_info) if len(stream_info) < 50 else f"{len(stream_info)}+"
    bc.searched = {
        "strings": len(byte_ids),
        "streams": stream_info,
        "stream_count": n_streams,
        "bytes": total_bytes,
        "encodings": list(ENCODINGS),
        "case": "ASCII case ignored; identical byte forms searched once",
        "whole_words": len(words),
        "xml_streams_without_names": xml_streams,
    }
    if bc.status == PASSED:
        bc.detail = (f"{len(byte_ids)} string(s) searched in {total_bytes:,} bytes: none found"
                     + (" beyond the kept text" if any(allowed_b.values()) else ""))
    elif not bc.detail:
        bc.detail = f"{len(bc.failures)} removed string(s) found in the output's bytes"
    checks.append(bc)

    # text views
    views: list[tuple[str, str]] = []
    reader_doc: Document | None = None
    view_notes: list[str] = []
    try:
        views.append(("independent", view_adapter.independent_text(path, ropts)))
    except (LeakdeskError, OSError, ValueError, RuntimeError) as exc:
        view_notes.append(f"independent extractor failed ({type(exc).__name__})")
    try:
        if path.stat().st_size == 0:
            views.append(("reader", ""))
        else:
            reader_doc = view_adapter.read(path, ropts)
            views.append(("reader", reader_doc.text))
    except InputError as exc:
        view_notes.append(f"reader failed ({exc.message})")
    except (LeakdeskError, OSError, ValueError, RuntimeError) as exc:
        view_notes.append(f"reader failed ({type(exc).__name__})")

    # A view that does not give back the kept text (a wrong decoder, a failed
    # extraction) proves nothing either way: it is set aside, with a note.
    want = _words4(clean)
    coverage = {v: round(_coverage(want, t), 3) for v, t in views}
    all_views = list(views)
    if want:
        usable = [(v, t) for v, t in views if t.strip() and coverage[v] >= MIN_VIEW_COVERAGE]
        for v, t in views:
            if t.strip() and coverage[v] < MIN_VIEW_COVERAGE:
                view_notes.append(
                    f"{v} view set aside: it gives back {coverage[v]:.0%} of the kept words"
                )
        no_text = bool(views) and all(not t.strip() for _, t in views)
        views = usable
    else:
        no_text = False

    tc = ProofCheck("text", "No removed string in the output's text (whitespace and case ignored)")
    tc.searched = {
        "strings": len(text_ids),
        "views": [v for v, _ in views],
        "characters": {v: len(t) for v, t in all_views},
        "kept_word_coverage": coverage,
        "notes": view_notes,
    }
    if no_text:
        tc.status = SKIPPED
        tc.detail = "the output has no text layer to search (e.g. raster without OCR)"
    elif not views:
        tc.fail(reason="no usable text view")
        tc.detail = "the output's text could not be read back: " + "; ".join(view_notes)
    else:
        for vname, vtext in views:
            vf = fold(vtext)
            for i in text_ids:
                allowed = clean_folded.count(folded[i])
                found = vf.count(folded[i])
                if found > allowed:
                    tc.fail(string=_string_id(i), category=cats[i], view=vname,
                            found=found, allowed=allowed)
        if tc.status == PASSED:
            tc.detail = f"{len(text_ids)} string(s) searched in {len(views)} text view(s): none found"
            if len(views) < len(all_views):
                tc.status = WARNING
                tc.detail += f" ({len(all_views) - len(views)} view(s) set aside, see notes)"
        else:
            tc.detail = f"{len({f['string'] for f in tc.failures})} removed string(s) in the text"
    checks.append(tc)

    # invisible characters
    ic = ProofCheck("invisible", "No invisible or format (Cf) character in the output's text")
    allowed_inv = invisible_counts(clean)
    for vname, vtext in views:
        for cp, c in sorted(invisible_counts(vtext).items()):
            if c > allowed_inv.get(cp, 0):
                name = unicodedata.name(chr(int(cp[2:], 16)), "")
                ic.fail(view=vname, code_point=cp, name=name, found=c, allowed=allowed_inv.get(cp, 0))
    ic.searched = {"views": [v for v, _ in views], "kept_on_purpose": dict(allowed_inv)}
    if not views:
        ic.status, ic.detail = SKIPPED, "no text view"
    elif ic.status == PASSED:
        ic.detail = "none" if not allowed_inv else f"only the {sum(allowed_inv.values())} the policy kept"
    else:
        ic.detail = ", ".join(sorted({f"{f['code_point']} ×{f['found']}" for f in ic.failures}))
    checks.append(ic)

    # homoglyphs
    hc = ProofCheck("homoglyph", "No mixed-script (homoglyph) word in the output's text")
    allowed_h = Counter(h.word for h in homoglyph_words(clean))
    hid: dict[str, str] = {}
    for vname, vtext in views:
        got: Counter[str] = Counter()
        foreign: dict[str, tuple[str, ...]] = {}
        for h in homoglyph_words(vtext):
            got[h.word] += 1
            foreign[h.word] = h.foreign
        for word, c in sorted(got.items()):
            if c > allowed_h.get(word, 0):
                wid = hid.setdefault(word, f"H{len(hid) + 1:03d}")
                hc.fail(view=vname, word=wid, foreign=list(foreign[word]), found=c,
                        allowed=allowed_h.get(word, 0), _text=word)
    hc.searched = {"views": [v for v, _ in views], "kept_on_purpose": sum(allowed_h.values())}
    if not views:
        hc.status, hc.detail = SKIPPED, "no text view"
    elif hc.status == PASSED:
        hc.detail = "none" if not allowed_h else f"only the {sum(allowed_h.values())} the policy kept"
    else:
        hc.detail = f"{len(hid)} mixed-script word(s)"
    checks.append(hc)

    # revisions
    rc = ProofCheck("revisions", "The output holds one revision only")
    if isinstance(view_adapter, RevisionCounter):
        try:
            n = int(view_adapter.revision_count(path, ropts))
            rc.searched = {"revisions": n}
            if n != 1:
                rc.fail(revisions=n)
                rc.detail = f"{n} revisions"
            else:
                rc.detail = "1 revision"
        except (LeakdeskError, OSError, ValueError, RuntimeError) as exc:
            rc.fail(reason="unreadable")
            rc.detail = f"could not count revisions ({type(exc).__name__})"
    else:
        rc.searched = {"revisions": 1}
        rc.detail = f"{view_adapter.name} files have no revisions"
    checks.append(rc)

    # attachments
    ac = ProofCheck("attachments", "No attached or embedded document in the output")
    if reader_doc is None:
        ac.status, ac.detail = SKIPPED, "the reader could not re-open the output"
    else:
        n_children = len(reader_doc.children)
        ac.searched = {"children": n_children}
        if n_children and plan.attachments == "remove":
            ac.fail(children=n_children)
            ac.detail = f"{n_children} attached document(s) remain"
        else:
            ac.detail = "none"
    checks.append(ac)

    # container traces the reader still sees (warning only)
    cc = ProofCheck("container", "Container traces the reader still reports on the output")
    if reader_doc is None:
        cc.status, cc.detail = SKIPPED, "the reader could not re-open the output"
    else:
        left = Counter(
            f"{f.category}/{f.detector}"
            for f in reader_doc.container_findings
            if f.severity.rank >= 2
        )
        cc.searched = {"container_findings": dict(left)}
        if left:
            cc.status = WARNING
            cc.detail = ", ".join(f"{k} ×{v}" for k, v in sorted(left.items()))
        else:
            cc.detail = "none"
    checks.append(cc)

    return ProofReport(checks, view_adapter.name, strings, str(path), _secrets=removed)


def raise_if_failed(report: ProofReport, source: Path | None = None) -> None:
    if not report.passed:
        raise ResidueProofFailed(report.summary() + "; no output was written", report, source)

