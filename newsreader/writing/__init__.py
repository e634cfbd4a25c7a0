"""Writing: the flag writer, the write-ahead journal and triage with undo."""
