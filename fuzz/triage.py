"""python -m fuzz.triage [TARGET...]: replay saved crash inputs and group them by failure.

Each file in fuzz/crashes/<target>/ is run through its target in this process;
files that no longer fail are reported as fixed.  Groups are keyed by the
exception type and the innermost leakdesk frame, so one bug found many times
shows once.
"""

from __future__ import annotations

import sys
import traceback
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent


def replay(target: str) -> dict[str, list[str]]:
    from .targets import targets

    fn = targets()[target]
    groups: dict[str, list[str]] = defaultdict(list)
    for p in sorted((HERE / "crashes" / target).glob("*")):
        try:
            fn(p.read_bytes())
        except Exception as exc:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "leakdesk" in f.filename]
            where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
            groups[f"{type(exc).__name__} at {where}: {str(exc)[:80]}"].append(p.name)
        else:
            groups["fixed"].append(p.name)
    return groups


def main() -> None:
    names = sys.argv[1:] or sorted(p.name for p in (HERE / "crashes").iterdir())
    for name in names:
        print(f"== {name}")
        for key, files in sorted(replay(name).items()):
            print(f"  {len(files):3d}  {key}  (e.g. {files[0]})")


if __name__ == "__main__":
    main()
