"""One module per ``vidscore`` command, each exposing a click command named ``command`` (see scorer/cli.py)."""
