"""leakdesk: find, compare and remove the traces in leaked documents.

The Python API a data journalist calls from a notebook lives in
:mod:`leakdesk.api` and is re-exported here::

    import leakdesk
    result = leakdesk.audit("cable.txt")
    for f in result.findings:
        print(f.severity.value, f.category, f.excerpt)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import AuditResult, audit, audit_document, read

__all__ = ["AuditResult", "__version__", "audit", "audit_document", "read"]
