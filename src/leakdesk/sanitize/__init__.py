"""Sanitize: turn audit findings into a clean output, then prove it clean."""

from __future__ import annotations
