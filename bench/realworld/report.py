"""results.md for the real-world corpus: counts per class and format, a table per class."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from .runner import CLASSES, Result


def _cell(s: str, n: int = 160) -> str:
    s = " ".join(str(s).split()).replace("|", "\\|")
    return s if len(s) <= n else s[: n - 1] + "…"


def _reason_key(reason: str) -> str:
    """A refusal reason without its file-specific details, for grouping."""
    key = reason.split(" (", 1)[0] if not reason.startswith("residue proof") else \
        reason.split(": residue proof failed (", 1)[-1].split(":", 1)[0]
    return ("residue proof failed: " + key) if reason.startswith("residue proof") else key


def _fmt(r: Result) -> str:
    return r.detected or "-"


def render(results: list[Result], meta: dict[str, Any]) -> str:
    kinds = sorted({r.kind for r in results})
    counts = Counter((r.cls, r.kind) for r in results)
    lines = [
        "# Real-world corpus: audit and sanitize on public test files",
        "",
        f"Command: `{meta['command']}`  ",
        f"Date: {meta['date']}; machine: {meta['machine']}; exiftool {meta['exiftool']}; "
        f"{meta['jobs']} job(s), {meta['timeout']:g} s limit per command; "
        f"whole run {meta['wall']:.0f} s.",
        "",
        "Each file: `leakdesk audit --format json FILE` and `leakdesk sanitize FILE -o OUT` "
        "(the installed CLI, as subprocesses). Files come from the sdists of pikepdf, pypdf, "
        "OCRmyPDF, Pillow, piexif, olefile, python-docx, python-pptx and odfpy (pinned in "
        "corpus.py), plus a few *derived* ones (password-protected Office files made with "
        "msoffcrypto-tool, truncated copies). A refusal is *justified* when an established "
        "reader (pikepdf/qpdf, Pillow, zipfile, olefile) cannot open the file either (or it "
        "needs a password, or is a decompression bomb).",
        "",
        "## Summary",
        "",
        "| class | " + " | ".join(kinds) + " | total |",
        "|---|" + "---|" * (len(kinds) + 1),
    ]
    for c in CLASSES:
        row = [str(counts[(c, k)]) for k in kinds]
        lines.append(f"| {c} | " + " | ".join(row) + f" | {sum(counts[(c, k)] for k in kinds)} |")
    lines.append("| **all** | " + " | ".join(str(sum(r.kind == k for r in results))
                                           for k in kinds) + f" | {len(results)} |")
    refused = [r for r in results if r.cls == "refused"]
    j = Counter(r.justified for r in refused)
    lines += [
        "",
        f"Refusals: {j['justified']} justified, {j['unjustified']} unjustified, "
        f"{j['unsupported']} unsupported format.",
    ]
    with_meta = [r for r in results if r.ident_before]
    cleaned = [r for r in with_meta if r.sanitize.get("code") == 0]
    lines.append(
        f"Files with identifying metadata (exiftool): {len(with_meta)}; cleaned: {len(cleaned)}; "
        f"of those with a surviving value: {sum(bool(r.leaks) for r in cleaned)}.")
    secs = [r.audit["secs"] for r in results if r.audit] + \
        [r.sanitize["secs"] for r in results if r.sanitize]
    mems = [max(r.audit.get("peak_mib", 0), r.sanitize.get("peak_mib", 0)) for r in results]
    if secs:
        lines.append(
            f"Time per command: median {statistics.median(secs):.2f} s, max {max(secs):.1f} s. "
            f"Peak memory of a process tree: median {statistics.median(mems):.0f} MiB, "
            f"max {max(mems):.0f} MiB.")
    slow = sorted(results, key=lambda r: -max(r.audit.get("secs", 0), r.sanitize.get("secs", 0)))
    lines += ["", "Slowest: " + ", ".join(
        f"{r.ident} ({max(r.audit.get('secs', 0), r.sanitize.get('secs', 0)):.1f} s)"
        for r in slow[:5])]
    big = sorted(results, key=lambda r: -max(r.audit.get("peak_mib", 0),
                                             r.sanitize.get("peak_mib", 0)))
    worst = Counter(_reason_key(r.reason) for r in refused if r.justified == "unjustified")
    if worst:
        lines += ["", "Unjustified refusals by reason (the worst cases):", ""]
        lines += [f"- {n} × {_cell(k, 200)}" for k, n in worst.most_common()]
    lines += ["", "Largest memory: " + ", ".join(
        f"{r.ident} ({max(r.audit.get('peak_mib', 0), r.sanitize.get('peak_mib', 0)):.0f} MiB)"
        for r in big[:5]), ""]

    for c in CLASSES:
        rows = [r for r in results if r.cls == c]
        if not rows:
            continue
        lines += [f"## {c} ({len(rows)})", ""]
        if c == "ok-clean":
            lines += ["| file | format | ident. tags before | audit | sanitize s | peak MiB | notes |",
                      "|---|---|---|---|---|---|---|"]
            for r in rows:
                lines.append(
                    f"| {_cell(r.ident, 80)} | {_fmt(r)} | {len(r.ident_before)} | "
                    f"{r.audit.get('code')} | {r.sanitize.get('secs', 0):.1f} | "
                    f"{max(r.audit.get('peak_mib', 0), r.sanitize.get('peak_mib', 0)):.0f} | "
                    f"{_cell('; '.join(r.notes), 200)} |")
        elif c == "refused":
            lines += ["| file | judgement | leakdesk's reason | reference reader | notes |",
                      "|---|---|---|---|---|"]
            for r in sorted(rows, key=lambda r: (r.justified != "unjustified", r.ident)):
                lines.append(
                    f"| {_cell(r.ident, 80)} | {r.justified} | {_cell(r.reason)} | "
                    f"{_cell(r.ref.get('state', '') + ': ' + r.ref.get('detail', ''), 100)} | "
                    f"{_cell('; '.join(r.notes), 160)} |")
        else:
            lines += ["| file | format | what | notes |", "|---|---|---|---|"]
            for r in rows:
                lines.append(f"| {_cell(r.ident, 80)} | {_fmt(r)} | {_cell(r.reason, 300)} | "
                             f"{_cell('; '.join(r.notes), 200)} |")
        lines.append("")
    return "\n".join(lines)
