"""A BERT sentence encoder in plain numpy, for sentence-transformers folders such as all-MiniLM-L6-v2.

:class:`NumpyBertEncoder` reads a sentence-transformers model folder (``config.json``
of a ``bert`` model, ``model.safetensors``, ``tokenizer.json``, mean pooling) and
computes the same embeddings as ``SentenceTransformer(folder).encode(...,
normalize_embeddings=True)`` without importing torch or transformers, whose
import alone takes several seconds on every cold ``vidscore score``. Tokenising
uses the ``tokenizers`` package; weights load with ``safetensors.numpy``.
:mod:`features.embeddings` uses it for the default model and sentence-transformers
for any other.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.special import erf

BATCH_SIZE = 32


def supports(folder: str | Path) -> bool:
    """True when ``folder`` holds a BERT sentence-transformers model this encoder can run (mean pooling)."""
    root = Path(folder)
    try:
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((root / "1_Pooling/config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and bool(pooling.get("pooling_mode_mean_tokens"))
        and not any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens"))
        and (root / "model.safetensors").is_file()
        and (root / "tokenizer.json").is_file()
    )


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT's ``gelu``."""
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)).astype(np.float32))


class NumpyBertEncoder:
    """Mean-pooled, L2-normalised BERT sentence embeddings (float32) from a sentence-transformers folder.

    Args:
        folder: the model folder; :func:`supports` must hold for it.
    """

    def __init__(self, folder: str | Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        root = Path(folder)
        if not supports(root):
            raise ValueError(f"{root} is not a BERT sentence-transformers folder with mean pooling")
        self.folder = root
        self.config = json.loads((root / "config.json").read_text(encoding="utf-8"))
        max_length = 512
        settings = root / "sentence_bert_config.json"
        if settings.is_file():
            max_length = int(json.loads(settings.read_text(encoding="utf-8")).get("max_seq_length", max_length))
        self.max_length = min(max_length, int(self.config["max_position_embeddings"]))
        self.tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        self.weights = {k: v.astype(np.float32, copy=False) for k, v in load_file(str(root / "model.safetensors")).items()
                        if not k.endswith("position_ids")}
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in self.weights else ""
        self.weights = {k[len(prefix):]: v for k, v in self.weights.items()}
        for key, value in self.weights.items():  # dense layers as contiguous (in, out) matrices for BLAS
            if key.startswith("encoder.") and key.endswith(".weight") and value.ndim == 2:
                self.weights[key] = np.ascontiguousarray(value.T)
        self.heads = int(self.config["num_attention_heads"])
        self.layers = int(self.config["num_hidden_layers"])
        self.eps = float(self.config.get("layer_norm_eps", 1e-12))
        self.pad_id = int(self.config.get("pad_token_id", 0))

    @property
    def dimension(self) -> int:
        return int(self.config["hidden_size"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``, shape (len(texts), hidden size), rows of unit length."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # similar lengths batch together
        for start in range(0, len(order), BATCH_SIZE):
            chosen = order[start : start + BATCH_SIZE]
            length = max(len(encodings[i].ids) for i in chosen)
            ids = np.full((len(chosen), length), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(chosen), length), dtype=np.float32)
            for row, i in enumerate(chosen):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            out[chosen] = self._embed(ids, mask)
        return out

    def _embed(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Normalised mean-pooled last hidden states of token ``ids`` (batch, length) under ``mask``."""
        w = self.weights
        length = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for layer in range(self.layers):
            x = self._layer(x, bias, f"encoder.layer.{layer}.")
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _layer(self, x: np.ndarray, bias: np.ndarray, name: str) -> np.ndarray:
        w = self.weights
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def dense(y: np.ndarray, part: str) -> np.ndarray:  # 2-D products, so numpy hands them to BLAS
            flat = y.reshape(batch * length, -1) @ w[f"{name}{part}.weight"] + w[f"{name}{part}.bias"]
            return flat.reshape(batch, length, -1)

        def heads(y: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(y.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3))

        query, key, value = (heads(dense(x, f"attention.self.{part}")) for part in ("query", "key", "value"))
        scores = query @ np.ascontiguousarray(key.transpose(0, 1, 3, 2)) / np.float32(np.sqrt(size)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=-1, keepdims=True)
        context = (probs @ value).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = _layer_norm(x + dense(context, "attention.output.dense"), w[f"{name}attention.output.LayerNorm.weight"],
                        w[f"{name}attention.output.LayerNorm.bias"], self.eps)
        out = dense(_gelu(dense(x, "intermediate.dense")), "output.dense")
        return _layer_norm(x + out, w[f"{name}output.LayerNorm.weight"], w[f"{name}output.LayerNorm.bias"], self.eps)
