"""Facts about an encounter: extracted from its transcripts or added by the client."""
