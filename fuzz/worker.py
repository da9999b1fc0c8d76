"""The atheris entry point: python -m fuzz.worker TARGET [libFuzzer args...]."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from fuzz.targets import targets


def main() -> None:
    name = sys.argv[1]
    fn = targets()[name]

    def one(data: bytes) -> None:
        fn(data)

    atheris.Setup([sys.argv[0], *sys.argv[2:]], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
