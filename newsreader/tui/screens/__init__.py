"""Modal screens of the newsreader TUI: help, bad files and warnings, confirmation, and sort."""
