"""Batch: audit a whole leak archive into a case store, on every core, resumably.

``walk`` lists the files, ``worker`` audits one file into plain data,
``isolate`` runs workers in separate processes with a per-file time limit,
``engines`` spreads batches over a local pool or a Dask cluster, ``store`` is
the SQLite case store, and ``runner`` ties them together.
"""

from __future__ import annotations

from .runner import BatchSummary, run_batch
from .store import CaseStore

__all__ = ["BatchSummary", "CaseStore", "run_batch"]
