"""The bottom layer: probe and decode a file, its typed records, input errors and data-file loading.

Nothing here imports the extractors (``features``) or scoring (``scorer``).
"""
