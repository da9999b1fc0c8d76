"""The review workspace: a FastAPI app over one case store, for 127.0.0.1 only.

Pages are rendered on the server (Jinja2); a little plain JavaScript
(``static/app.js``) records decisions, manual redactions and imports.  Every
asset is bundled: the pages load nothing from outside (see ``security.py``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from ..batch.store import CaseStore
from ..errors import LeakdeskError
from .highlight import render
from .jobs import Importer
from .security import COOKIE, HEADERS, Secrets

HERE = Path(__file__).parent
DECISIONS = ("accepted", "rejected", "edited")
ACTIONS = ("remove", "replace", "normalize", "review")


def create_app(db: Path, secrets: Secrets | None = None) -> FastAPI:
    db = Path(db)
    secrets = secrets or Secrets()
    CaseStore(db).close()  # create or migrate before serving
    case_dir = db.with_name(db.name + ".files")
    exports_dir = db.with_name(db.name + ".exports")
    env = Environment(
        loader=PackageLoader("leakdesk.web", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if app.state.importer is not None:
            app.state.importer.close()

    app = FastAPI(title="leakdesk review", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.secrets = secrets
    app.state.importer = None

    def importer() -> Importer:
        if app.state.importer is None:
            app.state.importer = Importer(db, case_dir)
        imp: Importer = app.state.importer
        return imp

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not secrets.host_ok(request.headers.get("host")):
            return _secure(Response("wrong host", status_code=403, media_type="text/plain"))
        given = request.query_params.get("token")
        cookie = request.cookies.get(COOKIE)
        if given is not None:
            if not secrets.token_ok(given):
                return _secure(Response("wrong token", status_code=403, media_type="text/plain"))
            # trade the token in the URL for an HttpOnly cookie, and drop it from the URL
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            url = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            resp = RedirectResponse(url, status_code=303)
            resp.set_cookie(COOKIE, secrets.token, httponly=True, samesite="strict", path="/")
            return _secure(resp)
        if cookie is None:
            return _secure(Response(
                "leakdesk: open the address printed by 'leakdesk serve' (it carries the token)",
                status_code=401, media_type="text/plain"))
        if not secrets.token_ok(cookie):
            return _secure(Response("wrong token", status_code=403, media_type="text/plain"))
        if request.method not in ("GET", "HEAD"):
            if not secrets.origin_ok(request.headers.get("origin")):
                return _secure(Response("cross-origin request refused", status_code=403,
                                        media_type="text/plain"))
            csrf = request.headers.get("x-csrf-token")
            is_form = request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded") and request.url.path.endswith("/export")
            # plain HTML forms carry the token in a field, checked by the endpoint
            if not is_form and not secrets.csrf_ok(csrf):
                return _secure(Response("missing or wrong CSRF token", status_code=403,
                                        media_type="text/plain"))
        try:
            response = await call_next(request)
        except LeakdeskError as exc:
            response = Response(exc.one_line(), status_code=400, media_type="text/plain")
        return _secure(response)

    def page(name: str, **ctx: Any) -> HTMLResponse:
        tpl = env.get_template(name)
        return HTMLResponse(tpl.render(csrf=secrets.csrf, **ctx))

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # -- pages ---------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def overview(category: str = "", severity: str = "") -> HTMLResponse:
        with CaseStore(db) as store:
            docs = store.documents()
            cats = store.category_counts()
            if category or severity:
                sql = "SELECT DISTINCT sha256 FROM findings WHERE 1=1"
                params: list[str] = []
                if category:
                    sql += " AND category=?"
                    params.append(category)
                if severity:
                    sql += " AND severity=?"
                    params.append(severity)
                keep = {r[0] for r in store.db.execute(sql, params)}
                docs = [d for d in docs if d["sha256"] in keep]
            counts = store.counts()
        categories = sorted({c["category"] for c in cats})
        return page("overview.html", docs=docs, counts=counts, categories=categories,
                    category=category, severity=severity, cats=cats)

    @app.get("/doc/{sha}", response_class=HTMLResponse)
    def document(sha: str, member: str = "") -> HTMLResponse:
        with CaseStore(db) as store:
            doc = store.document(sha)
            if doc is None:
                raise HTTPException(404, "no such document")
            text = store.text_for(sha, member) or ""
            findings = store.findings_for(sha, member)
            latest = store.latest_decisions(sha, member)
            manual = [d for d in store.decisions_for(sha, member) if d["decision"] == "manual"]
            exports = [dict(r) for r in store.db.execute(
                "SELECT id, output_path, created_at FROM exports WHERE sha256=? ORDER BY id DESC",
                (sha,))]
        decisions = {fid: d["decision"] for fid, d in latest.items()}
        for f in findings:
            d = latest.get(int(f["id"]))
            f["decision"] = d["decision"] if d else "open"
            f["chosen_action"] = (d.get("action") if d else None) or f["action"]
        manual_marks = [
            {"id": f"m{m['id']}", "start": m["start"], "end": m["end"], "severity": "high",
             "category": "redaction"}
            for m in manual
        ]
        html_text = render(text, findings + manual_marks, decisions)
        return page("document.html", doc=doc, sha=sha, member=member, text_html=html_text,
                    findings=findings, manual=manual, exports=exports, actions=ACTIONS,
                    has_text=bool(text))

    @app.get("/exports/{export_id}", response_class=HTMLResponse)
    def export_page(export_id: int) -> HTMLResponse:
        with CaseStore(db) as store:
            exp = store.export(export_id)
        if exp is None:
            raise HTTPException(404, "no such export")
        return page("export.html", exp=exp, proof_json=json.dumps(exp["proof"], indent=2,
                                                               ensure_ascii=False))

    @app.get("/exports/{export_id}/download")
    def export_download(export_id: int) -> FileResponse:
        with CaseStore(db) as store:
            exp = store.export(export_id)
        if exp is None or not Path(exp["output_path"]).is_file():
            raise HTTPException(404, "no such export")
        out = Path(exp["output_path"])
        return FileResponse(out, filename=out.name, media_type="application/octet-stream")

    @app.get("/compare", response_class=HTMLResponse)
    def compare_page(a: str = "", b: str = "") -> HTMLResponse:
        with CaseStore(db) as store:
            docs = store.documents()
            ta = store.text_for(a) if a else None
            tb = store.text_for(b) if b else None
        diffs: list[dict[str, Any]] = []
        error = ""
        if ta is not None and tb is not None:
            try:
                from ..compare import compare_texts

                diffs = compare_texts(ta, tb)
            except LeakdeskError as exc:
                error = exc.message
        return page("compare.html", docs=docs, a=a, b=b, diffs=diffs, error=error,
                    ta=ta or "", tb=tb or "")

    @app.get("/quotes", response_class=HTMLResponse)
    def quotes_page(article: str = "", source: str = "") -> HTMLResponse:
        with CaseStore(db) as store:
            docs = store.documents()
            ta = store.text_for(article) if article else None
            ts = store.text_for(source) if source else None
        quotes: list[dict[str, Any]] = []
        if ta is not None and ts is not None:
            from ..quotes import check_texts

            quotes = check_texts(ta, {"source": ts})
        return page("quotes.html", docs=docs, article=article, source=source, quotes=quotes,
                    article_text=ta or "")

    # -- actions -------------------------------------------------------------

    @app.post("/api/decide")
    async def decide(request: Request) -> JSONResponse:
        body = await request.json()
        fid = int(body.get("finding_id", 0))
        decision = str(body.get("decision", ""))
        action = body.get("action")
        if decision not in DECISIONS or (action is not None and action not in ACTIONS):
            raise HTTPException(400, "bad decision")
        with CaseStore(db) as store:
            f = store.finding(fid)
            if f is None:
                raise HTTPException(404, "no such finding")
            did = store.add_decision(f["sha256"], f["member"], decision, finding_id=fid,
                                     action=action)
        return JSONResponse({"ok": True, "decision_id": did, "decision": decision})

    @app.post("/api/manual")
    async def manual(request: Request) -> JSONResponse:
        body = await request.json()
        sha = str(body.get("sha256", ""))
        member = str(body.get("member", ""))
        start, end = int(body.get("start", -1)), int(body.get("end", -1))
        with CaseStore(db) as store:
            text = store.text_for(sha, member)
            if text is None:
                raise HTTPException(404, "no such document")
            if not (0 <= start < end <= len(text)):
                raise HTTPException(400, "bad span")
            did = store.add_decision(sha, member, "manual", start=start, end=end,
                                     note=str(body.get("note", ""))[:200])
        return JSONResponse({"ok": True, "decision_id": did})

    @app.post("/doc/{sha}/export")
    async def export(sha: str, request: Request) -> RedirectResponse:
        from .review import export_document

        if not secrets.csrf_ok(request.headers.get("x-csrf-token")):
            form = await request.form()
            value = form.get("csrf")
            if not secrets.csrf_ok(value if isinstance(value, str) else None):
                raise HTTPException(403, "missing or wrong CSRF token")

        with CaseStore(db) as store:
            export_id = export_document(store, sha, exports_dir)
        return RedirectResponse(f"/exports/{export_id}", status_code=303)

    @app.post("/api/import")
    async def import_files(request: Request) -> JSONResponse:
        form = await request.form()
        names = []
        for item in form.getlist("files"):
            if isinstance(item, str):
                continue
            data = await item.read()
            path = importer().save(item.filename or "upload", data)
            importer().submit(path)
            names.append(path.name)
        return JSONResponse({"ok": True, "queued": names})

    @app.get("/api/jobs")
    def jobs() -> JSONResponse:
        imp = app.state.importer
        return JSONResponse(imp.state.to_json() if imp else {"queued": 0, "done": 0,
                                                             "failed": 0, "busy": False,
                                                             "errors": []})

    return app


def _secure(resp: Response) -> Response:
    for k, v in HEADERS.items():
        resp.headers[k] = v
    return resp
