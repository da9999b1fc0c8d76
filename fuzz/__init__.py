"""Fuzz harnesses for every format reader, the text detectors and the quote extractor."""
