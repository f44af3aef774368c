"""Writing a report: text for people, JSON for tools."""
