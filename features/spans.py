"""Time intervals (seconds): union, total length and overlap of span lists.

Shared by the speech, screen-text and caption-sync extractors, whose words,
pauses and on-screen texts are all (start_s, end_s) spans.
"""

from __future__ import annotations

Interval = tuple[float, float]


def merge_spans(spans: list[Interval], gap_s: float) -> list[Interval]:
    """Union of sorted ``spans``, joining neighbours separated by less than ``gap_s`` seconds."""
    merged: list[Interval] = []
    for start, end in spans:
        if merged and start - merged[-1][1] < gap_s:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def union_length(spans: list[Interval]) -> float:
    """Seconds covered by at least one of ``spans`` (any order, overlaps counted once)."""
    return sum(end - start for start, end in merge_spans(sorted(spans), 0.0))


def overlap_length(a: list[Interval], b: list[Interval]) -> float:
    """Length (s) of the intersection of two sorted lists of disjoint intervals."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0.0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total
