"""Invox Medical AI services (seed 004): token, consultation summary, notes with typed fields."""
