"""Errors that leakdesk reports to a person as one line, never as a traceback.

Each carries the path it is about.  The CLI prints ``leakdesk: PATH: message``
and exits 2; batch mode records the message and goes on.
"""

from __future__ import annotations

from pathlib import Path


class LeakdeskError(Exception):
    """A problem a user can act on: bad input, a refused file, a failed proof."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None

    def one_line(self) -> str:
        msg = " ".join(self.message.split())
        if self.path is not None:
            return f"{safe_name(self.path)}: {msg}"
        return msg


class InputError(LeakdeskError):
    """The input cannot be read: missing, a directory, binary, corrupt, too large."""


class UnsupportedFormat(InputError):
    """The content is of a type leakdesk does not understand; it refuses it."""


class EncryptedInput(InputError):
    """The input is encrypted and no (correct) password was given."""


class LimitExceeded(InputError):
    """The input exceeds a safety limit (size, pages, ratio, time, memory)."""


class ProofFailed(LeakdeskError):
    """The residue proof found removed content in a sanitized output."""


class UsageError(LeakdeskError):
    """The command was called wrongly (e.g. OUT is the same file as PATH)."""


def safe_name(path: Path | str) -> str:
    """A file name fit for one terminal line: control characters made visible."""
    raw = str(path)
    out = []
    for ch in raw:
        if ch < " " or ch == "\x7f" or 0x80 <= ord(ch) < 0xA0:
            out.append(f"\\x{ord(ch):02x}")
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # surrogate-escaped undecodable byte
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ch)
    return "".join(out)
