"""``leakdesk serve``: the local review workspace over a case store.

``app.py`` builds the FastAPI application, ``security.py`` holds the token,
CSRF and header rules, ``highlight.py`` renders a document's text with its
findings in place, ``review.py`` turns decisions into an export, and
``jobs.py`` processes imported files in the background.
"""

from __future__ import annotations
