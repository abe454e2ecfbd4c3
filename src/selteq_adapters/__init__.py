"""selteq_adapters."""
