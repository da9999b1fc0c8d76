"""Loaded by every Python process of the offline test (through PYTHONPATH).
from __future__ import annotations


An audit hook records every network-related event (socket.connect, bind,
getaddrinfo, sendto) with its address to LEAKDESK_NETLOG.  AF_UNIX sockets
(used by multiprocessing between leakdesk's own processes) are recorded too,
marked as local.
"""
from __future__ import annotations

import os
import socket
import sys

_LOG = os.environ.get("LEAKDESK_NETLOG")


def _hook(event: str, args: tuple) -> None:
    if not _LOG or event not in ("socket.connect", "socket.bind", "socket.getaddrinfo",
                                 "socket.sendto", "socket.gethostbyname"):
        return
    try:
        if event in ("socket.connect", "socket.bind", "socket.sendto"):
            sock, addr = args[0], args[-1]
            family = getattr(sock, "family", None)
            kind = "unix" if family == socket.AF_UNIX else "inet"
            line = f"{os.getpid()}\t{event}\t{kind}\t{addr!r}\n"
        else:
            line = f"{os.getpid()}\t{event}\tname\t{args[0]!r}\n"
        with open(_LOG, "a") as fh:
            fh.write(line)
    except Exception:
        pass


sys.addaudithook(_hook)
