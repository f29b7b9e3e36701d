"""Requests answered later: a job does the work, the result is polled or POSTed to a callback."""
