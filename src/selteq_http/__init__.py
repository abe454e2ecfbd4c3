"""selteq_http."""
