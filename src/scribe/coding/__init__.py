"""ICD-10-CM coding of clinical notes (Omniloy Codify)."""
