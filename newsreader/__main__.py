"""Allow ``python -m newsreader``."""

from newsreader.cli import main

# The guard matters: worker processes started by the indexer import the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
