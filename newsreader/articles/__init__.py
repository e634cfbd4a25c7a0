"""The model: articles, the index over them, the query language, facets, text and URL helpers."""
