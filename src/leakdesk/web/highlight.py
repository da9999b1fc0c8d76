"""Render a document's text as HTML with every finding highlighted in place.

Invisible and unusual characters are shown as visible badges (⟨U+200B ZERO
WIDTH SPACE⟩); homoglyphs are marked.  Overlapping findings are split at every
boundary so each piece of text is wrapped once, with the ids of all findings
covering it.  Every piece carries ``data-s``, its code-point offset into the
text, so a selection in the page maps back to exact offsets (for manual
redactions); a badge counts as the one code point it stands for.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from typing import Any

from ..textutil import code_point_label, needs_marking

_RANK = {"high": 3, "medium": 2, "low": 1}


def _pieces(text: str, offset: int) -> str:
    """Escaped text with ``data-s`` offsets; invisible characters as badges."""
    out: list[str] = []
    run_start = 0
    for i, ch in enumerate(text):
        if ch == "\r" or needs_marking(ch):
            if i > run_start:
                out.append(f'<span data-s="{offset + run_start}">'
                           f"{html.escape(text[run_start:i])}</span>")
            label = "CR" if ch == "\r" else code_point_label(ch)
            out.append(
                f'<span class="cp" data-s="{offset + i}" data-cp="1" '
                f'title="{html.escape(label)}">⟨{html.escape(label)}⟩</span>'
            )
            run_start = i + 1
    if run_start < len(text):
        out.append(f'<span data-s="{offset + run_start}">{html.escape(text[run_start:])}</span>')
    return "".join(out)


def render(text: str, findings: Sequence[dict[str, Any]], decisions: dict[int, str]) -> str:
    """HTML for ``text`` with ``<mark>`` around finding spans (ids in ``data-f``)."""
    cuts = {0, len(text)}
    spans = []
    for f in findings:
        s, e = f.get("start"), f.get("end")
        if s is None or e is None or not (0 <= s <= e <= len(text)):
            continue
        if s == e:
            e = min(len(text), s + 1)
        spans.append((s, e, f))
        cuts.update((s, e))
    order = sorted(cuts)
    out: list[str] = []
    for a, b in itertools.pairwise(order):
        piece = _pieces(text[a:b], a)
        covering = [f for s, e, f in spans if s <= a and b <= e]
        if not covering:
            out.append(piece)
            continue
        ids = " ".join(str(f["id"]) for f in covering)
        top = max(covering, key=lambda f: _RANK.get(f["severity"], 0))
        states = {
            "manual" if not str(f["id"]).isdigit() else decisions.get(int(f["id"]), "open")
            for f in covering
        }
        if states == {"rejected"}:
            state = "rejected"
        elif states & {"accepted", "edited", "manual"}:
            state = "accepted"
        else:
            state = "open"
        cats = " ".join(sorted({f"cat-{f['category']}" for f in covering}))
        out.append(
            f'<mark class="sev-{top["severity"]} {cats} st-{state}" data-f="{ids}">{piece}</mark>'
        )
    return "".join(out)
