"""The shipped sentence encoders: numpy BERT (all-MiniLM-L6-v2) equals sentence-transformers; neither needs torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from features.bert_numpy import NumpyBertEncoder, supports
from features.embeddings import MINILM, default_model_dir, load_encoder

TEXTS = [
    "Only three left in stock, grab yours now!",
    "This blender changed my mornings.",
    "点击下方小黄车",
    "a",
    "The warranty covers two years of daily use " * 60,  # longer than the 256-token limit: truncated
]


def test_numpy_encoder_matches_sentence_transformers() -> None:
    st = pytest.importorskip("sentence_transformers")
    ours = NumpyBertEncoder(default_model_dir()).encode(TEXTS)
    theirs = st.SentenceTransformer(default_model_dir(), device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batches_of_mixed_lengths_give_the_same_vectors_as_one_by_one() -> None:
    encoder = NumpyBertEncoder(default_model_dir())
    together = encoder.encode(TEXTS)
    alone = np.vstack([encoder.encode([text]) for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_only_bert_folders_with_mean_pooling_are_supported(tmp_path) -> None:  # noqa: ANN001
    assert supports(default_model_dir())
    assert not supports(tmp_path)
    with pytest.raises(ValueError, match="not a BERT"):
        NumpyBertEncoder(tmp_path)


def test_the_minilm_encoder_does_not_import_torch() -> None:
    code = (
        "import sys; from features.embeddings import load_encoder; "
        "v = load_encoder('all-MiniLM-L6-v2').encode(['link below']); "
        "assert v.shape == (1, 384), v.shape; "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'torch imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert load_encoder(MINILM).name == "all-MiniLM-L6-v2" and load_encoder(f"sentence-transformers/{MINILM}") is load_encoder(MINILM)


def test_fixed_texts_are_embedded_once_and_then_read_from_the_cache(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("VIDSCORE_CACHE_DIR", str(tmp_path))
    encoder = load_encoder(MINILM)
    first = encoder.encode_fixed(["only a few left", "link below"])
    assert len(list((tmp_path / "embeddings").glob("*.npy"))) == 1

    def refuse(texts: list[str]) -> np.ndarray:
        raise AssertionError("embedded again instead of read from the cache")

    monkeypatch.setattr(encoder.model, "encode", refuse)
    np.testing.assert_array_equal(encoder.encode_fixed(["only a few left", "link below"]), first)
    with pytest.raises(AssertionError, match="embedded again"):
        encoder.encode_fixed(["other texts are not in the cache"])
