"""A real ``vidscore serve`` on 127.0.0.1: driven by headless Chromium, fuzzed from its OpenAPI, and loaded."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402
from mediagen import write_video  # noqa: E402
from servehelp import TOKEN, Server, rss_mb, running_server  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "scorer" / "demo" / "demo.mp4"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("live"), "--jobs", "1", "--queue", "4") as live:
        yield live


@pytest.mark.models
def test_the_page_in_a_real_browser(server: Server, tmp_path: Path) -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: .ci/run installs Debian's chromium")
        pytest.skip("needs Debian's chromium (apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(server.url + "/")
            page.fill("#token", TOKEN)
            page.click("#token-save")
            page.set_input_files("#file", str(DEMO))
            page.fill("#niche", "beauty")
            page.click("#go")
            page.wait_for_selector("#scores:not([hidden]) .score b", timeout=300_000)
            scores = {page.get_attribute(f"#scores .score:nth-child({n})", "data-dimension"):
                      float(page.inner_text(f"#scores .score:nth-child({n}) b")) for n in (1, 2, 3)}
            assert set(scores) == {"quality", "immersion", "persuasion"} and all(0 <= v <= 100 for v in scores.values())
            report = page.frame_locator("#report")
            report.locator("svg.waterfall").first.wait_for(timeout=60_000)
            thumbs = report.locator(".moments img")
            assert thumbs.count() >= 3
            assert all(thumbs.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(3))
            page.click("#refresh")
            page.wait_for_selector("#past-rows tr.clickable", timeout=30_000)
            assert "demo.mp4" in page.inner_text("#past-rows")
            shot = tmp_path / "served-report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
        finally:
            browser.close()


@pytest.mark.models
def test_openapi_fuzz_finds_no_server_error(server: Server) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    calls = 0
    started = time.monotonic()
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case: object) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(base_url=server.url, headers=server.auth, timeout=60,  # type: ignore[attr-defined]
                                   checks=[not_a_server_error, status_code_conformance, content_type_conformance])

        from hypothesis import given

        given(op.as_strategy())(check)()
    assert calls >= 20 and time.monotonic() - started < 600
    assert httpx.get(server.url + "/api/v1/health").json()["status"] == "ok"   # still serving


@pytest.mark.models
def test_bounded_load_loses_nothing(tmp_path: Path) -> None:
    clips = [write_video(tmp_path / f"c{n}.mp4", width=180, height=320, seconds=3.0, audio_tone_hz=200.0 + 50 * n)
             for n in range(4)]
    with running_server(tmp_path, "--jobs", "2", "--queue", "1") as live:
        before = rss_mb(live.process.pid)

        def health(_: int) -> int:
            return httpx.get(live.url + "/api/v1/health", timeout=30).status_code

        def score(path: Path) -> tuple[int, dict]:
            with path.open("rb") as handle:
                response = httpx.post(live.url + "/api/v1/score", headers=live.auth, files={"file": (path.name, handle)},
                                      timeout=300)
            return response.status_code, response.json()

        with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
            scoring = [pool.submit(score, clip) for clip in clips]
            healths = list(pool.map(health, range(20)))
            answers = [future.result(timeout=600) for future in scoring]
        assert healths == [200] * 20
        codes = sorted(code for code, _ in answers)
        assert all(code in (200, 429) for code in codes) and codes.count(200) >= 3, codes   # 2 running + 1 queued
        for code, body in answers:
            if code == 200:
                sha = body["video"]["sha256"]
                stored = httpx.get(f"{live.url}/api/v1/results/{sha}", headers=live.auth, timeout=30)
                assert stored.status_code == 200 and stored.json()["scores"] == body["scores"]   # nothing scored is lost
            else:
                assert "try again later" in body["error"]
        after = rss_mb(live.process.pid)
        assert after < max(2 * before, before + 300), (before, after)   # the server process itself stays small
