"""Search over lessons: the filters, free text, facets and cursor pagination of CONTRACT §3.1."""
