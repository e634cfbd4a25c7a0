"""Widgets of the newsreader TUI: the article list, the detail pane and the related panel."""
