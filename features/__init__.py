"""Feature extractors: each turns frames, audio or text of a video into named signals."""
