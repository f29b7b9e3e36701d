"""`python -m scribe.cli`, as the tests and the multiprocess fixtures run it."""

from scribe.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
