"""``vidscore serve``'s API through FastAPI's test client: auth, limits, bad uploads, queue, result shape."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from mediagen import write_video  # noqa: E402

from features.media.errors import ConfigError  # noqa: E402
from scorer.cli import main  # noqa: E402
from scorer.result import validate_result  # noqa: E402
from scorer.service.app import create_app  # noqa: E402
from scorer.service.config import ServeConfig  # noqa: E402

TOKEN = "unit-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SHA = "0" * 64


def config(tmp: Path, **overrides: object) -> ServeConfig:
    settings: dict[str, object] = {"token": TOKEN, "data_dir": tmp / "serve", "max_upload_mb": 2.0, "jobs": 1, "queue": 4,
                                   "timeout_s": 120.0, "extractor_options": {"text_model": "none"}}
    settings.update(overrides)
    return ServeConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    write_video(folder / "clip.mp4", width=180, height=320, seconds=2.0, audio_tone_hz=330.0)
    write_video(folder / "long.mp4", width=180, height=320, seconds=6.0)
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, ServeConfig]]:
    cfg = config(tmp_path_factory.mktemp("api"))
    with TestClient(create_app(cfg)) as client:
        deadline = time.monotonic() + 180
        while client.get("/api/v1/health").json()["status"] != "ok":
            assert time.monotonic() < deadline, "workers never became ready"
            time.sleep(0.3)
        yield client, cfg


def uploads_left(cfg: ServeConfig) -> list[Path]:
    return sorted(cfg.uploads_dir.glob("*")) if cfg.uploads_dir.is_dir() else []


def test_health_needs_no_token_and_everything_else_does(served: tuple[TestClient, ServeConfig]) -> None:
    client, _ = served
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    routes = [("post", "/api/v1/score"), ("post", "/api/v1/jobs"), ("get", f"/api/v1/jobs/{'a' * 32}"),
              ("get", "/api/v1/results"), ("get", f"/api/v1/results/{SHA}"), ("get", f"/api/v1/results/{SHA}/report")]
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer wrong-token-000000000"}, {"Authorization": TOKEN}):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.json() == {"error": "missing or wrong bearer token."}
            assert response.headers["www-authenticate"] == "Bearer"
    page = client.get("/")
    assert page.status_code == 200 and "vidscore" in page.text and TOKEN not in page.text
    spec = client.get("/openapi.json").json()
    assert "multipart/form-data" in spec["paths"]["/api/v1/score"]["post"]["requestBody"]["content"]


def test_scores_an_upload_and_keeps_the_result(served: tuple[TestClient, ServeConfig], media: Path) -> None:
    client, cfg = served
    with (media / "clip.mp4").open("rb") as handle:
        response = client.post("/api/v1/score", headers=AUTH, files={"file": ("my clip.mp4", handle, "video/mp4")},
                               data={"niche": "beauty", "lang": "zh", "title": "限时秒杀"})
    assert response.status_code == 200, response.text
    result = response.json()
    validate_result(result)
    assert result["video"]["path"] == "my clip.mp4" and result["niche"]["target"] == "beauty"
    assert str(cfg.data_dir) not in response.text                      # no server path leaks
    sha = result["video"]["sha256"]
    assert client.get(f"/api/v1/results/{sha}", headers=AUTH).json()["scores"] == result["scores"]
    report = client.get(f"/api/v1/results/{sha}/report", headers=AUTH)
    assert report.status_code == 200 and 'class="waterfall"' in report.text and "data:image/jpeg;base64," in report.text
    assert str(cfg.data_dir) not in report.text
    listed = client.get("/api/v1/results", headers=AUTH).json()["results"]
    assert any(r["sha256"] == sha and r["file"] == "my clip.mp4" for r in listed)
    assert uploads_left(cfg) == []                                       # removed after scoring


def test_jobs_run_in_the_background(served: tuple[TestClient, ServeConfig], media: Path) -> None:
    client, _ = served
    with (media / "clip.mp4").open("rb") as handle:
        queued = client.post("/api/v1/jobs", headers=AUTH, files={"file": ("c.mp4", handle)})
    assert queued.status_code == 202 and queued.json()["status"] in ("queued", "running")
    job_id = queued.json()["id"]
    deadline = time.monotonic() + 120
    while (state := client.get(f"/api/v1/jobs/{job_id}", headers=AUTH).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert state["status"] == "done" and state["result_url"].endswith(state["sha256"])
    assert client.get(f"/api/v1/jobs/{'b' * 32}", headers=AUTH).status_code == 404
    assert client.get("/api/v1/jobs/not-an-id", headers=AUTH).status_code == 422
    assert client.get(f"/api/v1/results/{'1' * 64}", headers=AUTH).status_code == 404
    assert client.get("/api/v1/results/xyz", headers=AUTH).json()["error"].startswith("sha256:")


@pytest.mark.parametrize("name, content, fragment", [
    ("notes.mp4", b"just text\n" * 50, "notes.mp4: not a readable media file"),
    ("empty.mp4", b"", "empty.mp4: "),
    ("../../../etc/passwd.mp4", b"\x00" * 4000, "passwd.mp4: not a readable media file"),
    ("..\\..\\win.ini", b"[fonts]\n" * 10, "win.ini: "),
])
def test_bad_uploads_get_a_4xx_with_the_cli_reason(served: tuple[TestClient, ServeConfig], tmp_path: Path, name: str,
                                                   content: bytes, fragment: str) -> None:
    client, cfg = served
    response = client.post("/api/v1/score", headers=AUTH, files={"file": (name, content)})
    assert response.status_code == 422
    message = response.json()["error"]
    assert fragment in message and "\n" not in message and str(cfg.data_dir) not in message
    assert uploads_left(cfg) == [] and not (cfg.data_dir.parent / "etc").exists()


def test_bad_requests(served: tuple[TestClient, ServeConfig], media: Path) -> None:
    client, cfg = served
    assert client.post("/api/v1/score", headers=AUTH, json={"file": "x"}).status_code == 415
    assert client.post("/api/v1/score", headers=AUTH, data={"niche": "beauty"}, files={"other": ("a", b"x")}).status_code == 400
    clip = (media / "clip.mp4").read_bytes()
    bad_niche = client.post("/api/v1/score", headers=AUTH, files={"file": ("a.mp4", clip)}, data={"niche": "gardening"})
    assert bad_niche.status_code == 422 and "gardening" in bad_niche.json()["error"]
    bad_field = client.post("/api/v1/score", headers=AUTH, files={"file": ("a.mp4", clip)}, data={"path": "/etc/passwd"})
    assert bad_field.status_code == 422 and "unknown form field" in bad_field.json()["error"]
    assert client.post("/api/v1/score", headers=AUTH, files={"file": ("a.mp4", clip)}, data={"lang": "fr"}).status_code == 422
    assert uploads_left(cfg) == []


def test_uploads_over_the_limit_get_413_without_being_stored(served: tuple[TestClient, ServeConfig]) -> None:
    client, cfg = served
    big = b"\x00" * 3_000_000        # the limit is 2 MB
    declared = client.post("/api/v1/score", headers=AUTH, files={"file": ("big.mp4", big)})
    assert declared.status_code == 413 and "limit of 2 MB" in declared.json()["error"]

    def chunks() -> Iterator[bytes]:   # no Content-Length: the limit is enforced while streaming
        yield b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.mp4\"\r\n\r\n"
        for _ in range(40):
            yield b"\x00" * 100_000
        yield b"\r\n--XyZ--\r\n"

    streamed = client.post("/api/v1/score", headers={**AUTH, "Content-Type": "multipart/form-data; boundary=XyZ"},
                           content=chunks())
    assert streamed.status_code == 413 and uploads_left(cfg) == []


def test_a_full_queue_answers_429(tmp_path: Path, media: Path) -> None:
    cfg = config(tmp_path, queue=0)
    with TestClient(create_app(cfg)) as client:
        long = (media / "long.mp4").read_bytes()
        first = client.post("/api/v1/jobs", headers=AUTH, files={"file": ("a.mp4", long)})
        second = client.post("/api/v1/jobs", headers=AUTH, files={"file": ("b.mp4", long)})
        assert first.status_code == 202
        assert second.status_code == 429 and "try again later" in second.json()["error"]
        assert len(uploads_left(cfg)) <= 1                                 # the refused upload is not kept


def test_server_settings_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="no API token"):
        ServeConfig(token=None)
    with pytest.raises(ConfigError, match="only allowed on a loopback host"):
        ServeConfig(token=None, no_auth=True, host="0.0.0.0")
    with pytest.raises(ConfigError, match="at least 16 characters"):
        ServeConfig(token="short")
    assert ServeConfig(token=None, no_auth=True, host="::1").no_auth
    monkeypatch.delenv("VIDSCORE_TOKEN", raising=False)
    assert main(["serve", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("vidscore: error: no API token")
    assert main(["serve", "--no-auth", "--host", "10.1.2.3", "--data-dir", str(tmp_path)]) == 2
    empty = tmp_path / "empty-token"
    empty.write_text("\n", encoding="utf-8")
    assert main(["serve", "--token-file", str(empty), "--data-dir", str(tmp_path)]) == 2
    assert "is empty" in capsys.readouterr().err
