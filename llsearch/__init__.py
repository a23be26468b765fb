"""llsearch: a lessons-learned database and search service on OpenSearch."""

__version__ = "0.1.0"
