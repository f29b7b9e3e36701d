"""Corti API v2 (seed 001): interactions, recordings, transcripts, documents, templates, facts."""
