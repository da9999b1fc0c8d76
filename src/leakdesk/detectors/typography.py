"""Detector module typography: being written."""

from __future__ import annotations
