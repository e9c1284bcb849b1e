"""Learned cue heads: training keeps only precise heads; the shipped storytelling head adds what patterns miss."""

from __future__ import annotations

import numpy as np

from features.cue_heads import MIN_POSITIVES, load_heads, train
from features.cues import CueDetector


def test_training_keeps_a_separable_type_and_skips_a_rare_one() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(400, 8)).astype(np.float32)
    labels = [{"storytelling"} if v[0] > 0.3 else set() for v in vectors]
    labels[:5] = [{"values"}] * 5  # too few examples to trust
    data = train([str(i) for i in range(400)], labels, vectors, ("storytelling", "values"))
    assert set(data["heads"]) == {"storytelling"}
    head = data["heads"]["storytelling"]
    assert head["oof_precision"] >= 0.97 and head["positives"] >= MIN_POSITIVES and len(head["weights"]) == 8


def test_shipped_storytelling_head_finds_a_story_the_patterns_miss() -> None:
    heads = load_heads()
    assert "storytelling" in heads and heads["storytelling"].weights.shape == (384,)
    story = "She had tried every cream on the shelf before a friend handed her this jar."
    assert "storytelling" not in CueDetector(text_model="none").types_in(story)
    assert "storytelling" in CueDetector().types_in(story)
    assert "storytelling" not in CueDetector().types_in("This kettle boils a liter in three minutes.")
