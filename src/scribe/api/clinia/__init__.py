"""Clinia AI engine (seed 002): patient ingestion, summary templates, SSE summaries."""
