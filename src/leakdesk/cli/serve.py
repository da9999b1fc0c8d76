"""``leakdesk serve [--db CASE.sqlite] [--port N] [--no-browser]``: the review workspace."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import typer


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        db: Path = typer.Option(Path("case.sqlite"), "--db", help="Case store to review."),  # noqa: B008
        port: int = typer.Option(0, "--port", help="Port on 127.0.0.1 (default: a free one)."),
        no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser."),
    ) -> None:
        """Open the local review workspace (127.0.0.1 only, behind a per-run token)."""
        import uvicorn

        from ..web.app import create_app
        from ..web.security import Secrets

        port = port or free_port()
        secrets = Secrets(port=port)
        application = create_app(db, secrets)
        url = f"http://127.0.0.1:{port}/?token={secrets.token}"
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        sys.stderr.write(
            "leakdesk: review workspace on 127.0.0.1 only; the address above is your key "
            "(keep it private). Ctrl-C stops it.\n"
        )
        if not no_browser:
            import webbrowser

            webbrowser.open(url)
        # access_log off: URLs can carry the token, and logs must not hold document text
        uvicorn.run(application, host="127.0.0.1", port=port, log_level="warning",
                    access_log=False, server_header=False, proxy_headers=False)
