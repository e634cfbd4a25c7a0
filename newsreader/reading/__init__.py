"""Reading the folder: finding, reading and parsing article files, the cache and the index's
feed."""
