"""Patient summaries (Clinia): written section by section from the record, streamed, stored."""
