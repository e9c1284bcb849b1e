"""``vidscore serve``: the web page and HTTP API on this machine (127.0.0.1 by default)."""

from __future__ import annotations

import sys
from typing import Any

import click

from features.media.errors import ConfigError
from scorer.commands.common import examples, extractor_options_from, speech_language_option


@click.command("serve", short_help="run the web page and HTTP API (FastAPI/uvicorn)", epilog=examples(
    "VIDSCORE_TOKEN=$(openssl rand -hex 16) vidscore serve",
    "vidscore serve --port 8080 --jobs 2 --token-file ~/.vidscore-token --store results.db",
    "vidscore serve --no-auth          # private server on 127.0.0.1 only",
    "curl -H \"Authorization: Bearer $VIDSCORE_TOKEN\" -F file=@clip.mp4 http://127.0.0.1:8000/api/v1/score",
))
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port (0: any free port)")
@click.option("--store", metavar="PATH|URL",
              help="results store: an SQLite file or a postgresql:// URL (default: DATA_DIR/results.db)")
@click.option("--data-dir", metavar="DIR", help="the server's folder for uploads and reports "
              "(default: $VIDSCORE_SERVE_DIR or ~/.local/share/vidscore/serve)")
@click.option("--max-upload-mb", type=float, default=500.0, show_default=True, metavar="MB", help="largest upload accepted")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N",
              help="videos scored at once (worker processes)")
@click.option("--queue", "queue_size", type=click.IntRange(0, 10000), default=8, show_default=True, metavar="N",
              help="jobs that may wait beyond those running; more get HTTP 429")
@click.option("--timeout", type=float, default=900.0, show_default=True, metavar="S", help="wall-clock limit per video")
@click.option("--token-file", metavar="FILE", help="file whose first line is the API token (default: $VIDSCORE_TOKEN)")
@click.option("--no-auth", is_flag=True, help="no token (allowed only on a loopback host)")
@click.option("--keep-uploads", is_flag=True, help="keep uploaded files after scoring")
@speech_language_option
@click.option("--asr-model", metavar="NAME|PATH", help="faster-whisper model (default: base)")
@click.option("--text-model", metavar="NAME|PATH", help="text model for cues and niche (default: all-MiniLM-L6-v2)")
def command(host: str, port: int, store: str | None, data_dir: str | None, max_upload_mb: float, jobs: int,
            queue_size: int, timeout: float, token_file: str | None, no_auth: bool, keep_uploads: bool,
            **params: Any) -> int:
    """Serve a web page (upload a video, watch it score, read its report) and a JSON API.

    Every API route but /api/v1/health needs 'Authorization: Bearer TOKEN'; the
    server refuses to start without a token unless --no-auth on a loopback host.
    OpenAPI at /openapi.json. Ctrl-C stops it.
    """
    from pathlib import Path

    from scorer.service.config import ServeConfig, default_data_dir, read_token
    from scorer.stores import shown

    try:
        import uvicorn

        from scorer.service.app import create_app
    except ImportError as exc:
        raise ConfigError(f"vidscore serve needs the serve extra ({exc.name} is missing): "
                          "pip install 'vidscore[serve]'.") from None
    config = ServeConfig(
        token=None if no_auth else read_token(token_file), no_auth=no_auth, host=host, port=port,
        data_dir=Path(data_dir) if data_dir else default_data_dir(), store=store or None,
        max_upload_mb=max_upload_mb, jobs=jobs, queue=queue_size, timeout_s=timeout, keep_uploads=keep_uploads,
        extractor_options=extractor_options_from(params),
    )
    print(f"vidscore serve: http://{host}:{port}/ (data in {config.data_dir}, store {shown(config.store_location)}, "
          f"{jobs} job(s), auth {'off' if no_auth else 'bearer token'})", file=sys.stderr)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False)
    return 0
