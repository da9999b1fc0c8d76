"""A deterministic text PDF for the sanitize benchmark (reportlab, fixed seed).

Each page holds a heading and paragraphs of ordinary prose, like a long report
or a batch of cables: the case leakdesk's rebuild is made for.
"""

from __future__ import annotations

import random
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

WORDS = (
    "the committee met on tuesday to discuss budget allocation for regional offices and "
    "agreed to revisit the proposal next quarter after consultation with stakeholders "
    "ministers embassy cable report delegates partners secretariat working group "
    "timetable formula review missions capitals estimates"
).split()


def make_report(path: Path, pages: int = 200, seed: int = 2024) -> Path:
    """Write ``pages`` pages (one heading and five paragraphs each) to ``path``."""
    rnd = random.Random(seed)
    styles = getSampleStyleSheet()
    story = []
    for n in range(pages):
        story.append(Paragraph(f"Section {n + 1}: regional consultations", styles["Heading2"]))
        for _ in range(5):
            words = " ".join(rnd.choice(WORDS) for _ in range(75))
            story.append(Paragraph(words.capitalize() + ".", styles["BodyText"]))
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1, title="Benchmark report",
                      author="bench").build(story)
    return Path(path)
