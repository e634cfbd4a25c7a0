"""The Textual app: a thin layer over the core. Widgets render and post messages; screens route
them to the core (index, query, triage)."""
