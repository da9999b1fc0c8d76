"""Where a trace sits on the page: a header block, a field, running prose, a short line.

The structural detectors rate a trace by its place.  An address, a number or
a name in a header block or a ``Label: value`` field says who sent, received
or handled this copy; the same words in running text are part of what the
document says and read the same in every copy.  :func:`place` names the
place; the layout itself (lines, header blocks) comes from :mod:`._context`.
"""

from __future__ import annotations

import regex

from ._context import Layout

#: Characters that open quoted speech: a line that starts with one is dialogue
#: or a quoted letter, i.e. running text, however short it is.
QUOTE_OPENERS = frozenset("\"“”„‟«»‘’‚'")
#: "Label: value" at the start of a line (a field of a form, a memo or a log):
#: a capitalised label of words ("address: ..." in lower case is a wrapped
#: line of a sentence; "Version 0.1: ..." is an entry of a list).
_FIELD_LINE = regex.compile(
    r"[ \t]*(?:[-*•>][ \t]*)?(?P<label>\p{Lu}[\p{L} ._/&()'’-]{0,30}?)[ \t]*[:：](?=[ \t]|$)"
)
#: Labels that open a paragraph of text, not a field.
_TEXT_LABELS = frozenset(
    "summary comment comments note notes nb background begin end text quote unquote para paragraph "
    "introduction conclusion recommendation recommendations question answer update example examples "
    "warning caution tip hint important result results objective purpose scope context issue issues "
    "discussion analysis assessment see also abstract".split()
)


def _is_field_label(lay: Layout, start: int, end: int) -> int:
    """End of a field label opening ``[start, end)`` (a line), or -1."""
    mt = _FIELD_LINE.match(lay.s, start, end)
    if mt is None:
        return -1
    label = " ".join(mt.group("label").split()).lower()
    if label in _TEXT_LABELS or len(label.split()) > 4:
        return -1
    label_end: int = mt.end()
    return label_end


def on_field_line(lay: Layout, pos: int) -> bool:
    """Whether ``pos`` is in the value of a ``Label: value`` field.

    The value is on the label's line (a line that is not running prose) or,
    under a label standing alone (``Author:``), on the line directly below.
    """
    ln = lay.line_at(pos)
    if not ln.prose:
        end = _is_field_label(lay, ln.start, ln.end)
        if 0 <= end <= pos:
            return True
    prev = lay.prev_line(ln)
    if prev is None or prev.blank:
        return False
    end = _is_field_label(lay, prev.start, prev.end)
    return end >= 0 and not lay.s[end : prev.end].strip()


def place(lay: Layout, pos: int) -> str:
    """Where a trace sits: ``header line``, ``field line``, ``running prose`` or ``short line``.

    A header line is any line of a header block (the top and foot of the
    document, or the lines around a banner, a routing line or a labelled
    field).  A line that opens with a quotation mark is speech or a quoted
    letter: running prose, however short.
    """
    if lay.in_zone(pos):
        return "header line"
    if on_field_line(lay, pos):
        return "field line"
    ln = lay.line_at(pos)
    if ln.prose or (ln.body < ln.end and lay.s[ln.body] in QUOTE_OPENERS):
        return "running prose"
    return "short line"
