"""The browser console at GET /console: static files served with a strict security policy."""
