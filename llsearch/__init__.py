"""llsearch: a lessons-learned database and search service on OpenSearch."""

__version__ = "0.1.0"

from llsearch.hookspecs import hookimpl  # noqa: E402  plugins write `from llsearch import hookimpl`

__all__ = ["__version__", "hookimpl"]
