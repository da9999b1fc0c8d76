"""Detector module homoglyphs: being written."""

from __future__ import annotations
