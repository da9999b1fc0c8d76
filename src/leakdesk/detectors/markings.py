"""Detector module markings: being written."""

from __future__ import annotations
