"""bench/marks: per-copy marks injected into real prose; recall, false alarms, throughput."""

from __future__ import annotations
