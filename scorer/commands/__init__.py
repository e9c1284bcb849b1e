"""One module per ``vidscore`` command: ``register(subparsers)`` and ``run(args) -> int``."""
