"""vidscore: score short e-commerce videos for quality, immersion and persuasion."""

__version__ = "0.1.0"
