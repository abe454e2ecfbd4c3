"""selteq_jobs."""
