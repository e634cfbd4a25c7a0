"""newsreader: a keyboard-driven terminal reader for folders of Jekyll news-article files.

The package is split in two: a core (everything directly in this package) that knows articles,
folders and files and imports neither Textual nor Rich, and :mod:`newsreader.tui`, the Textual app.
"""

__version__ = "0.1.0"
