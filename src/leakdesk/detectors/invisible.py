"""Detector module invisible: being written."""

from __future__ import annotations
