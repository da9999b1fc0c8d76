"""Detector module datetimes: being written."""

from __future__ import annotations
