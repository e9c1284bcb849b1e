"""``vidscore serve``: the HTTP API and web page (FastAPI on uvicorn).

Every route under ``/api/v1`` but ``health`` needs ``Authorization: Bearer <token>``
(compared in constant time). Errors are JSON ``{"error": "<one line>"}`` with a 4xx
status: 401 no or wrong token, 413 upload over the limit (refused while streaming,
never stored whole), 415 not multipart, 422 not a scorable video or a bad field,
429 queue full, 404 unknown job or result.

(No ``from __future__ import annotations`` here: FastAPI reads the route annotations at run time, and the
dependencies they name are local to :func:`create_app`.)
"""

import dataclasses
import hmac
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from features.media.errors import ConfigError, VidscoreError
from scorer import __version__
from scorer.options import ScoreOptions
from scorer.service.config import ServeConfig
from scorer.service.jobs import Job, JobManager, QueueFull, report_path
from scorer.service.page import page_html
from scorer.service.uploads import Upload, UploadError, receive

SHA256 = r"^[0-9a-f]{64}$"
FIELDS = ("niche", "product", "title", "lang")
UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "the video (mp4, mov, webm, mkv, ...)"},
            "niche": {"type": "string", "description": "target niche id, e.g. beauty"},
            "product": {"type": "string", "description": "the product being sold"},
            "title": {"type": "string", "description": "title / caption / hashtags"},
            "lang": {"type": "string", "enum": ["en", "zh"], "description": "language of explanations"},
        },
    }}},
}
ERROR: dict[str, Any] = {"content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}}
ERRORS: dict[int | str, dict[str, Any]] = {code: {"description": why, **ERROR} for code, why in (
    (400, "malformed upload"), (401, "no or wrong bearer token"), (404, "unknown id"), (413, "upload over the limit"),
    (415, "not multipart/form-data"), (422, "not a scorable video, or a bad field"), (429, "queue full"))}


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def create_app(config: ServeConfig, base_options: ScoreOptions | None = None) -> FastAPI:
    """The ASGI app; its job manager (worker processes) starts with the app's lifespan."""
    base = base_options or ScoreOptions(limits=dataclasses.replace(ScoreOptions().limits, timeout_s=config.timeout_s))
    manager = JobManager(config, base)
    bearer = HTTPBearer(auto_error=False, description="the server's token (VIDSCORE_TOKEN or --token-file)")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        manager.start()
        yield
        await anyio.to_thread.run_sync(manager.stop)

    app = FastAPI(title="vidscore", version=__version__, lifespan=lifespan,
                  description="Score short e-commerce videos for quality, immersion and persuasion (0-100).")
    app.state.manager = manager
    app.state.config = config

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("path", "query", "body"))
        return JSONResponse({"error": f"{where or 'request'}: {first.get('msg', 'invalid request')}."}, status_code=422)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)

    def authorised(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if config.no_auth:
            return
        given = credentials.credentials if credentials is not None else ""
        if not hmac.compare_digest(given.encode("utf-8"), (config.token or "").encode("utf-8")):
            raise ApiError(401, "missing or wrong bearer token.")

    async def accept(request: Request) -> tuple[Upload, ScoreOptions]:
        """Stream the upload to disk, check the fields and that the file is a scorable video."""
        try:
            upload = await receive(request.headers.get("content-type"), request.headers.get("content-length"),
                                   request.stream(), config.uploads_dir, config.max_upload_bytes)
        except UploadError as exc:
            raise ApiError(exc.status, exc.message) from None
        try:
            options = _options(base, upload.fields)
            await anyio.to_thread.run_sync(_check_video, upload, options)
            return upload, options
        except BaseException:
            upload.remove()
            raise

    async def enqueue(request: Request) -> Job:
        upload, options = await accept(request)
        try:
            sha256 = await anyio.to_thread.run_sync(_sha256, upload)
            return manager.submit(upload, options, sha256)
        except QueueFull as exc:
            upload.remove()
            raise ApiError(429, str(exc)) from None
        except VidscoreError as exc:
            upload.remove()
            raise ApiError(503, exc.message) from None

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page_html(), headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-store"})

    @app.get("/api/v1/health", summary="liveness and queue state (no auth)")
    async def health() -> dict[str, Any]:
        stats = manager.stats()
        status = "error" if stats["error"] else ("ok" if stats["ready"] else "starting")
        return {"status": status, "version": __version__, "queue": stats}

    @app.post("/api/v1/score", dependencies=[Depends(authorised)], openapi_extra={"requestBody": UPLOAD_BODY},
              responses=ERRORS, summary="score one uploaded video and return its result (the JSON contract)")
    async def score(request: Request) -> JSONResponse:
        job = await enqueue(request)
        await anyio.to_thread.run_sync(job.done.wait)
        if job.result is None:
            raise ApiError(422 if job.error_code not in ("timeout", "crashed", "internal") else 500,
                           job.error_message or "scoring failed.")
        return JSONResponse(job.result)

    @app.post("/api/v1/jobs", dependencies=[Depends(authorised)], openapi_extra={"requestBody": UPLOAD_BODY},
              responses=ERRORS, status_code=202, summary="queue one uploaded video; poll GET /api/v1/jobs/{id}")
    async def submit(request: Request) -> JSONResponse:
        job = await enqueue(request)
        found = manager.get(job.id)
        return JSONResponse(job.to_json(found[1] if found else None), status_code=202)

    @app.get("/api/v1/jobs/{job_id}", dependencies=[Depends(authorised)], responses=ERRORS, summary="a job's state")
    async def job_state(job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]) -> dict[str, Any]:
        found = manager.get(job_id)
        if found is None:
            raise ApiError(404, f"no job {job_id}.")
        return found[0].to_json(found[1])

    @app.get("/api/v1/results", dependencies=[Depends(authorised)], responses=ERRORS, summary="recent results")
    async def results(limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
        return {"results": await anyio.to_thread.run_sync(_recent, config, limit)}

    @app.get("/api/v1/results/{sha256}", dependencies=[Depends(authorised)], responses=ERRORS,
             summary="the stored result of a video by content hash")
    async def result(sha256: Annotated[str, Path(pattern=SHA256)]) -> JSONResponse:
        stored = await anyio.to_thread.run_sync(_find, config, sha256)
        if stored is None:
            raise ApiError(404, f"no scored video with sha256 {sha256}.")
        return JSONResponse(stored)

    @app.get("/api/v1/results/{sha256}/report", dependencies=[Depends(authorised)], responses=ERRORS,
             response_class=HTMLResponse, summary="the report page of a scored video")
    async def report(sha256: Annotated[str, Path(pattern=SHA256)]) -> HTMLResponse:
        page = report_path(config, sha256)
        if page.is_file():
            return HTMLResponse(page.read_text(encoding="utf-8"))
        stored = await anyio.to_thread.run_sync(_find, config, sha256)
        if stored is None:
            raise ApiError(404, f"no scored video with sha256 {sha256}.")
        from scorer.htmlreport import build_report

        return HTMLResponse(await anyio.to_thread.run_sync(build_report, [stored]))

    return app


_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-src 'self' data:; child-src 'self' data:"


def _options(base: ScoreOptions, fields: dict[str, str]) -> ScoreOptions:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ApiError(422, f"unknown form field(s) {', '.join(unknown)}; allowed: file, {', '.join(FIELDS)}.")
    values: dict[str, Any] = {k: v.strip() for k, v in fields.items() if v.strip()}
    if values.get("lang", "en") not in ("en", "zh"):
        raise ApiError(422, f"lang must be en or zh, got {values['lang']!r}.")
    if "niche" in values:
        from features.niche import load_taxonomy

        try:
            load_taxonomy().get(values["niche"])
        except ConfigError as exc:
            raise ApiError(422, exc.message) from None
    return dataclasses.replace(base, **values)


def _check_video(upload: Upload, options: ScoreOptions) -> None:
    """Refuse what the pipeline would refuse (not a video, too long, too large...) before it takes a worker."""
    from features.media.probe import probe
    from features.media.scorable import check_scorable

    assert upload.path is not None
    try:
        check_scorable(probe(str(upload.path), options.limits), options.limits)
    except VidscoreError as exc:
        raise ApiError(422, _public(exc.message, upload)) from None


def _public(message: str, upload: Upload) -> str:
    """``message`` with the server's own file path replaced by the client's file name."""
    return re.sub(re.escape(str(upload.path)), upload.display_name, message)


def _sha256(upload: Upload) -> str:
    from features.media.probe import sha256_of

    assert upload.path is not None
    return sha256_of(upload.path)


def _find(config: ServeConfig, sha256: str) -> dict[str, Any] | None:
    from scorer.stores import open_store, store_exists

    if not store_exists(config.store_location):
        return None
    with open_store(config.store_location, create=False) as store:
        stored = store.find(sha256)
    return None if stored is None else stored.result


def _recent(config: ServeConfig, limit: int) -> list[dict[str, Any]]:
    from scorer.stores import open_store, store_exists

    if not store_exists(config.store_location):
        return []
    with open_store(config.store_location, create=False) as store:
        rows = store.recent(limit)
    return [{"sha256": r.sha256, "file": r.path, "status": r.status, "quality": r.quality, "immersion": r.immersion,
             "persuasion": r.persuasion, "overall": r.overall, "compliance_risk": r.compliance_flag,
             "niche": r.target_niche or r.detected_niche, "finished_at": r.finished_at, "error": r.error_message}
            for r in rows]
