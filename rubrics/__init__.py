"""YAML rubrics shipped with vidscore (package data); see scorer.rubric for the format."""
