"""Detector module identifiers: being written."""

from __future__ import annotations
