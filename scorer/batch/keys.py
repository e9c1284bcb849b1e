"""Batch keys: per-video score options, the options and versions that key a stored result, content hashes."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from features.media.errors import MissingFileError
from features.media.probe import sha256_of
from scorer.batch.inputs import BatchItem

if TYPE_CHECKING:
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline

# Manifest columns that set the per-video score options (the CLI values are the defaults).
OPTION_COLUMNS = ("title", "product", "niche", "creator_niche")
# Metadata that extractors read besides the option columns; part of the versions key.
KEY_METADATA = ("description",)


def options_for(item: BatchItem, base: ScoreOptions) -> ScoreOptions:
    """``base`` with this item's manifest values for title, product, niche and creator_niche, and its metadata."""
    overrides: dict[str, Any] = {k: str(item.metadata[k]) for k in OPTION_COLUMNS if k in item.metadata}
    return dataclasses.replace(base, metadata={**base.metadata, **item.metadata}, **overrides)


def key_options(options: ScoreOptions, extractor_options: dict[str, Any]) -> dict[str, Any]:
    """The options that change a result: every score option but input limits and label metadata, and the
    extractor options the pipeline was built with (speech language, ASR and text models)."""
    keyed = {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.name not in ("limits", "metadata")}
    keyed["extractor_options"] = extractor_options
    keyed.update({k: options.metadata[k] for k in KEY_METADATA if k in options.metadata})
    return keyed


def pipeline_versions(pipeline: Pipeline, options: ScoreOptions) -> dict[str, Any]:
    """``Pipeline.versions()`` with the rubric and model that ``options`` select."""
    return pipeline.versions(pipeline.scorer_for(options)[1])


def file_sha256(path: str, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of the file's bytes, read ``chunk_bytes`` bytes at a time; raises ``MissingFileError`` when it cannot be read."""
    try:
        return sha256_of(path, chunk_bytes)
    except FileNotFoundError:
        raise MissingFileError(f"{path}: no such file.") from None
    except OSError as exc:
        raise MissingFileError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
