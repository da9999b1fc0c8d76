"""Detector module wording: being written."""

from __future__ import annotations
