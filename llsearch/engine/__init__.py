"""Everything that speaks OpenSearch: client, index names and templates, the embedded node."""
