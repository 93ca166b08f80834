"""ggmulti: offline multilingual publisher for public-sector press releases."""

__version__ = "0.1.0"
