"""The one Python API; the CLI and the web UI are thin layers over it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detectors import run_detectors, sort_findings
from .document import Action, Document, Finding, Severity
from .errors import InputError, LimitExceeded, UnsupportedFormat, UsageError
from .formats import (
    CleanResult,
    FormatAdapter,
    ReadOptions,
    adapter_by_name,
    detect,
    read_document,
)
from .fsutil import atomic_output, check_input_file, refuse_overwrite_input, same_file
from .sanitize.engine import MODES, build_plan
from .sanitize.plan import CleanPlan
from .sanitize.policy import Policy, as_policy
from .sanitize.proof import ProofReport, ResidueProofFailed, prove, raise_if_failed
from .sanitize.redaction_log import build_log, write_log


@dataclass(slots=True)
class AuditResult:
    """A document and its findings; ``children`` are attachments, each audited."""

    document: Document
    findings: list[Finding]
    children: list[AuditResult] = field(default_factory=list)
    name: str = ""

    def walk(self) -> list[AuditResult]:
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out

    @property
    def all_findings(self) -> list[Finding]:
        return [f for r in self.walk() for f in r.findings]

    def to_json_documents(self) -> list[dict[str, Any]]:
        out = []
        for r in self.walk():
            doc = r.document
            out.append(
                {
                    "path": r.name or (str(doc.path) if doc.path else ""),
                    "format": doc.format,
                    "encoding": doc.encoding,
                    "characters": len(doc.text),
                    "parts": sorted({s.part for s in doc.segments}),
                    "findings": [f.to_json() for f in r.findings],
                }
            )
        return out


def _child_name(child: Document, index: int) -> str:
    if child.path is None:
        return f"#{index}"
    return child.path.name if child.path.is_absolute() else child.path.as_posix()


def read(
    path: str | Path,
    *,
    password: str | None = None,
    encoding: str | None = None,
    ocr: bool = True,
    isolate: bool | None = None,
) -> Document:
    """Read one file of any supported format into a :class:`Document`.

    The file is parsed in a separate process with memory and time limits
    (:mod:`leakdesk.sandbox`) unless ``isolate`` is False or the environment
    says ``LEAKDESK_ISOLATION=off``.
    """
    from .fsutil import check_input_file
    from .sandbox import isolated_read, isolation_enabled

    options = ReadOptions(password=password, encoding=encoding, ocr=ocr)
    p = check_input_file(Path(path))
    if isolate is None:
        isolate = isolation_enabled()
    if isolate:
        return isolated_read(p, options)
    return read_document(p, options)


def audit_document(
    doc: Document,
    *,
    detectors: Sequence[str] | None = None,
    min_severity: Severity | str | None = None,
    name: str = "",
) -> AuditResult:
    """Run the text detectors on ``doc`` and merge the container findings it carries."""
    if isinstance(min_severity, str):
        min_severity = Severity.parse(min_severity)
    found = list(doc.container_findings) + run_detectors(doc, detectors)
    if min_severity is not None:
        found = [f for f in found if f.severity.rank >= min_severity.rank]
    base = name or (str(doc.path) if doc.path else "")
    children = [
        audit_document(
            c,
            detectors=detectors,
            min_severity=min_severity,
            name=f"{base}!{_child_name(c, i)}",
        )
        for i, c in enumerate(doc.children)
    ]
    return AuditResult(doc, sort_findings(found), children, base)


def audit(
    path: str | Path,
    *,
    detectors: Sequence[str] | None = None,
    min_severity: Severity | str | None = None,
    password: str | None = None,
    encoding: str | None = None,
    ocr: bool = True,
) -> AuditResult:
    """Read ``path`` and audit it: every trace that could identify its source or copy."""
    doc = read(path, password=password, encoding=encoding, ocr=ocr)
    return audit_document(doc, detectors=detectors, min_severity=min_severity, name=str(path))


# -- sanitize -------------------------------------------------------------------------


@dataclass(slots=True)
class SanitizeResult:
    """A clean copy written and proven: what was planned, done and checked."""

    source: Path | None
    output: Path
    audit: AuditResult
    plan: CleanPlan
    clean: CleanResult
    proof: ProofReport
    #: The redaction log, when one was requested.
    report: Path | None = None
    #: For ``--consensus``: counts of the consensus of the copies (no text).
    consensus: dict[str, Any] | None = None

    @property
    def format(self) -> str:
        return self.clean.format

    @property
    def mode(self) -> str:
        return self.clean.mode

    def changes_by_category(self) -> dict[str, dict[str, int]]:
        """``{category: {outcome: count}}`` over every decision (no text)."""
        out: dict[str, dict[str, int]] = {}
        for d in self.plan.decisions:
            cat = out.setdefault(d.finding.category, {})
            cat[d.outcome] = cat.get(d.outcome, 0) + 1
        return out

    def to_json(self) -> dict[str, Any]:
        """The body of the ``sanitize`` report.  It holds no removed text: excerpts and
        evidence are left out (the redaction log, ``--report``, has them)."""
        import re

        removed = {x for x in self.plan.removed if len(x.strip()) >= 2}
        removed |= {x.partition(":")[2].strip() for x in removed if ":" in x}

        def bare(f: Finding) -> dict[str, Any]:
            fj = f.to_json()
            fj["excerpt"] = ""
            fj["evidence"] = {}
            fj.pop("replacement", None)
            # what the detector may quote: the excerpt, evidence values taken from it
            # (4 characters or more: not field labels such as "To"), and its numbers
            quoted = f.excerpt.casefold()
            own = {
                x for x in _strings_in(f.evidence)
                if len(x) >= 4
                and re.search(r"(?<!\w)" + re.escape(x.casefold()) + r"(?!\w)", quoted)
            }
            own.update(f.excerpt.splitlines())
            own.update(re.findall(r"\w*\d\w*", f.excerpt))
            fj["message"] = scrub(f.message, sorted(removed | own, key=len, reverse=True))
            return fj

        docs: list[dict[str, Any]] = []
        for i, r in enumerate(self.audit.walk()):
            doc = r.document
            entry: dict[str, Any] = {
                "path": r.name or (str(doc.path) if doc.path else ""),
                "format": doc.format,
                "encoding": doc.encoding,
                "characters": len(doc.text),
                "parts": sorted({s.part for s in doc.segments}),
                "findings": [],
            }
            if i == 0:
                # every finding acted on or left, with what was done and why
                for d in self.plan.decisions:
                    fj = bare(d.finding)
                    fj["applied"] = d.outcome
                    if d.reason:
                        fj["reason"] = d.reason
                    entry["findings"].append(fj)
            else:
                for f in r.findings:
                    fj = bare(f)
                    fj["applied"] = "removed with the attachment"
                    entry["findings"].append(fj)
            if i == 0:
                entry["output"] = str(self.output)
                entry["changes"] = self.changes_by_category()
                entry["edits"] = len(self.plan.edits)
                entry["left_in_place"] = len(self.plan.review)
            docs.append(entry)
        return {
            "documents": docs,
            "output": str(self.output),
            "mode": self.mode,
            "policy": self.plan.policy_source,
            "actions": list(self.clean.actions),
            "not_done": list(self.clean.not_done),
            "proof": self.proof.to_json(),
            "redaction_log": str(self.report) if self.report else None,
            **({"consensus": self.consensus} if self.consensus is not None else {}),
        }


def scrub(message: str, secrets: Sequence[str]) -> str:
    """``message`` with every occurrence of ``secrets`` replaced by ``[…]`` (case ignored).

    Detector messages quote what they found ("4 entries: AMEMBASSY LONDON...");
    sanitize's report must not.
    """
    import re

    for s in secrets:
        if s and s.casefold() in message.casefold():
            left = r"(?<!\w)" if s[0].isalnum() else ""
            right = r"(?!\w)" if s[-1].isalnum() else ""
            message = re.sub(left + re.escape(s) + right, "[…]", message, flags=re.IGNORECASE)
    return message


def _strings_in(value: Any, depth: int = 0) -> list[str]:
    """Every string and number inside ``value`` (a finding's evidence), as text."""
    if depth > 4:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_in(v, depth + 1)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings_in(v, depth + 1)]
    return []


def _adapter_for(doc: Document) -> FormatAdapter:
    # The format the reader settled on wins (an encrypted XLSX sniffs as an OLE2
    # compound file that the docx adapter claims, but reads as xlsx).
    try:
        return adapter_by_name(doc.format)
    except UnsupportedFormat:
        pass
    if doc.path is not None and doc.path.is_file():
        return detect(doc.path)
    raise UnsupportedFormat(f"no adapter for format {doc.format!r}", doc.path)


def output_path_for(source: Path | None, out: str | Path, adapter: FormatAdapter) -> Path:
    """``out``, or ``out/<name>.cleaned.<ext>`` when ``out`` is a folder (as mat2 names it)."""
    out = Path(out)
    if not out.is_dir():
        return out
    stem = source.stem if source is not None and source.stem else "document"
    ext = adapter.output_extension or (source.suffix.lstrip(".") if source else "") or "out"
    if adapter.name == "text" and source is not None and source.suffix:
        ext = source.suffix.lstrip(".")  # memo.md stays .md
    return out / f"{stem}.cleaned.{ext}"


#: How a varying position between copies is filed as a finding.
_CONSENSUS_CATEGORY = {
    "number": "identifier",
    "identifier": "identifier",
    "punctuation": "typography",
    "whitespace": "whitespace",
    "invisible": "invisible",
    "homoglyph": "homoglyph",
}


def _consensus_document(
    path: Path, others: Sequence[str | Path], options: ReadOptions, isolate: bool | None = None
) -> tuple[Document, list[Finding], dict[str, Any]]:
    """The safest consensus text of ``path`` and ``others``, and a finding per flagged position.

    A flagged position is one where every variant singles out some copy; the
    finding (detector ``compare.consensus``) replaces it by the placeholder by
    default, so a person rewrites it in the clean copy.
    """
    try:
        from .compare.consensus import build_consensus
    except ImportError:
        raise UsageError(
            "--consensus is not available yet: this version of leakdesk has no consensus "
            "builder (leakdesk.compare.consensus)",
            path,
        ) from None
    paths = [Path(path), *(Path(p) for p in others)]
    docs = [
        read(p, password=options.password, encoding=options.encoding, ocr=options.ocr,
             isolate=isolate)
        for p in paths
    ]
    cons = build_consensus(docs, names=[str(p) for p in paths])
    doc = Document.from_text(cons.text, path=None)
    doc.format = "text"
    doc.encoding = "utf-8"
    doc.meta["consensus_of"] = [str(p) for p in paths]
    findings = [
        doc.finding(
            "compare.consensus",
            _CONSENSUS_CATEGORY.get(f.kind, "wording"),
            Severity.HIGH,
            f"The copies differ here ({f.kind}): every variant points at some copy. "
            "Rewrite it in your own words.",
            f.start,
            f.end,
            action=Action.REPLACE,
            evidence={"kind": f.kind, "copies": len(f.variants)},
        )
        for f in cons.flagged
        if 0 <= f.start < f.end <= len(cons.text)
    ]
    variants = sorted({v.text for f in cons.flagged for v in f.variants})
    info: dict[str, Any] = {
        "variants": variants,
        "copies": len(paths),
        "positions": cons.positions,
        "neutralized": cons.neutralized,
        "noise": cons.noise,
        "flagged": len(cons.flagged),
        "reflowed": cons.reflowed,
    }
    return doc, findings, info


def clean_document(
    adapter: FormatAdapter,
    doc: Document,
    plan: CleanPlan,
    out: Path,
    options: ReadOptions,
    *,
    isolate: bool | None = None,
) -> CleanResult:
    """Have ``adapter`` write the clean copy of ``doc`` to ``out`` (a private temporary file).

    The adapter re-opens and re-parses the untrusted input, so this runs in a
    separate process with memory and time limits (:func:`leakdesk.sandbox.isolated_clean`)
    unless ``isolate`` is False or the environment says ``LEAKDESK_ISOLATION=off``.
    """
    from .sandbox import isolated_clean, isolation_enabled

    if isolate is None:
        isolate = isolation_enabled()
    if isolate:
        # the child finds the adapter by name: it must be the one registered under it
        if type(adapter_by_name(adapter.name)) is not type(adapter):
            raise UsageError(
                f"the {adapter.name!r} adapter given is not the one registered under that "
                "name (LEAKDESK_ADAPTER_PLUGINS); it cannot run in the sandbox", doc.path)
        return isolated_clean(adapter.name, doc, plan, out, options)
    try:
        return adapter.clean(doc, plan, out, options)
    except MemoryError:
        raise LimitExceeded("ran out of memory while writing the clean copy", doc.path) from None
    except RecursionError:
        raise InputError("structure nests too deeply to rebuild", doc.path) from None


def sanitize_document(
    doc: Document,
    out: str | Path,
    *,
    findings: Sequence[Finding] | None = None,
    policy: Policy | str | Path | None = None,
    mode: str = "rebuild",
    report: str | Path | None = None,
    options: ReadOptions | None = None,
    audit_result: AuditResult | None = None,
    detectors: Sequence[str] | None = None,
    adapter: FormatAdapter | None = None,
    extra_findings: Sequence[Finding] = (),
    extra_removed: Sequence[str] = (),
    isolate: bool | None = None,
) -> SanitizeResult:
    """Sanitize an already-read document into ``out`` and prove the result.

    ``findings`` replaces the audit's findings (the review UI passes the ones a
    person accepted); by default ``doc`` is audited here.  The output is written
    to a private temporary file next to ``out``, proven, and renamed into place
    only if the proof passes; otherwise it is deleted and
    :class:`~leakdesk.sanitize.proof.ResidueProofFailed` (exit code 3) is raised,
    carrying the proof report.  ``report`` names a redaction log to write (it
    holds the removed text in clear; mode 0600), written whether the proof
    passes or fails.  The adapter writes the clean copy in a separate process
    with limits, as :func:`read` parses (see :func:`clean_document`).
    """
    pol = as_policy(policy)
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: use rebuild or raster")
    options = options or ReadOptions()
    adapter = adapter or _adapter_for(doc)
    source = doc.path
    dest = output_path_for(source, out, adapter)
    if source is not None:
        refuse_overwrite_input(source, dest)
    if dest.is_dir():
        raise UsageError("the output is a folder", dest)
    report_path = Path(report) if report is not None else None
    if report_path is not None:
        if report_path.is_dir():
            raise UsageError("the redaction log path is a folder; give a file name", report_path)
        for other in (source, dest):
            if other is not None and same_file(other, report_path):
                raise UsageError(
                    "refusing to write the redaction log over the input or the output", report_path
                )
    if audit_result is None:
        audit_result = audit_document(doc, detectors=detectors)
    chosen = list(findings) if findings is not None else audit_result.findings
    chosen += list(extra_findings)
    plan = build_plan(doc, chosen, pol, mode=mode)
    for extra in extra_removed:
        if extra.strip() and extra.strip() not in plan.removed:
            plan.removed.append(extra.strip())
            plan.removed_categories.append("wording")
    with atomic_output(dest) as tmp:
        cleaned = clean_document(adapter, doc, plan, tmp, options, isolate=isolate)
        proof = prove(plan, tmp, writer=adapter, options=options)
        proof.output = str(dest)
        if report_path is not None:
            log = build_log(plan, proof, source=source, output=dest if proof.passed else None,
                            actions=cleaned.actions)
            write_log(report_path, log, protect=(source, dest))
        try:
            raise_if_failed(proof, source)
        except ResidueProofFailed as exc:
            exc.redaction_log = report_path
            raise
    cleaned.output = dest
    return SanitizeResult(source, dest, audit_result, plan, cleaned, proof, report_path)


def sanitize(
    path: str | Path,
    out: str | Path,
    *,
    policy: Policy | str | Path | None = None,
    mode: str = "rebuild",
    report: str | Path | None = None,
    password: str | None = None,
    encoding: str | None = None,
    ocr: bool = True,
    detectors: Sequence[str] | None = None,
    consensus: Sequence[str | Path] | None = None,
    isolate: bool | None = None,
) -> SanitizeResult:
    """Read, audit and sanitize ``path`` into ``out``; prove that nothing removed survives.

    ``out`` may be a folder: the clean copy is then ``out/<name>.cleaned.<ext>``.
    ``out`` may never be ``path`` itself.  ``policy`` is a :class:`Policy` or a
    YAML file (see docs/sanitize.md); ``mode`` is ``rebuild`` or ``raster`` for
    formats that have both (PDF).  ``consensus`` lists further copies of the same
    document: the safest consensus text of all copies is sanitized instead.
    Reading and cleaning run in limited child processes unless ``isolate`` is
    False (or ``LEAKDESK_ISOLATION=off``).
    """
    src = check_input_file(Path(path))
    pol = as_policy(policy)  # a bad policy fails before any work
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: use rebuild or raster")
    options = ReadOptions(password=password, encoding=encoding, ocr=ocr)
    out_p = Path(out)
    if not out_p.is_dir():
        refuse_overwrite_input(src, out_p)
        parent = out_p.parent if str(out_p.parent) else Path()
        if not parent.is_dir():
            raise UsageError(f"output folder does not exist: {parent}", out_p)
    if consensus:
        for other in consensus:
            check_input_file(Path(other))
            if same_file(Path(other), out_p):
                raise UsageError("refusing to write the output over one of the copies", other)
        doc, flagged, info = _consensus_document(src, consensus, options, isolate)
        variants = info.pop("variants")
        if out_p.is_dir():
            out_p = out_p / f"{src.stem or 'document'}.consensus.cleaned.txt"
        for copy in (src, *consensus):
            refuse_overwrite_input(Path(copy), out_p)
        result = audit_document(doc, detectors=detectors, name=f"consensus of {path}")
        done = sanitize_document(
            doc, out_p, policy=pol, mode=mode, report=report, options=options,
            audit_result=result, adapter=adapter_by_name("text"), extra_findings=flagged,
            extra_removed=variants, isolate=isolate,
        )
        done.source = src
        done.consensus = info
        return done
    doc = read(src, password=password, encoding=encoding, ocr=ocr, isolate=isolate)
    result = audit_document(doc, detectors=detectors, name=str(path))
    return sanitize_document(
        doc, out, policy=pol, mode=mode, report=report, options=options, audit_result=result,
        isolate=isolate,
    )
