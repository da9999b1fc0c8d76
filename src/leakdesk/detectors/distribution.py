"""Detector module distribution: being written."""

from __future__ import annotations
