"""Stats: aggregations over the lessons search would select, for dashboards (CONTRACT §3.2)."""
