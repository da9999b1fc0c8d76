"""Property tests for the container walkers added or changed after the real-world run.

Whatever the bytes after a magic number, the JPEG 2000, Netpbm and JPEG walkers
raise nothing but the errors ``image.Adapter.read`` turns into a report entry,
and the SVG reader raises nothing but a one-line :class:`InputError`.
"""

from __future__ import annotations

import struct
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakdesk.errors import InputError
from leakdesk.formats import _imagemeta as im
from leakdesk.formats.base import ReadOptions
from leakdesk.formats.image import walk_container
from leakdesk.formats.svg import Adapter as SvgAdapter
from leakdesk.formats.svg import sniff_svg

WALK_ERRORS = (struct.error, IndexError, ValueError)

_MAGIC = {
    "jp2": [b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51"],
    "pnm": [b"P6\n", b"P3\n# c\n", b"P4 "],
    "jpeg": [b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\xff\xd8\x00\x00junk\xff\xe1"],
}


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(_MAGIC)), pick=st.integers(0, 1), tail=st.binary(max_size=600))
def test_walkers_raise_only_reportable_errors(kind: str, pick: int, tail: bytes) -> None:
    magics = _MAGIC[kind]
    data = magics[pick % len(magics)] + tail
    report = im.MetaReport()
    try:
        walk_container(data, kind, report)
    except WALK_ERRORS:
        pass
    for item in report.items:
        assert isinstance(item.value, str)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=300))
def test_svg_reader_fails_only_in_one_line(tmp_path: Path, body: str) -> None:
    data = f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'.encode()
    sniff_svg(data)
    path = tmp_path / "f.svg"
    path.write_bytes(data)
    try:
        doc = SvgAdapter().read(path, ReadOptions(ocr=False))
    except InputError as exc:
        assert "\n" not in exc.one_line()
    else:
        assert doc.format == "svg"
