"""Discovery: similar lessons (likely duplicates) and search-as-you-type suggestions."""
