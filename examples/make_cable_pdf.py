"""Regenerate examples/cable.pdf: the PDF copy of a fictional cable with every
container trace leakdesk looks for (author, XMP, annotation, attachment, hidden
text, a copy number under a black box, an earlier revision).

    .venv/bin/python examples/make_cable_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.pdf.make_fixtures import make_cable  # noqa: E402

if __name__ == "__main__":
    out = make_cable(HERE / "cable.pdf")
    print(f"wrote {out}")
