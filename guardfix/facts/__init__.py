"""Facts per action: where state changes, and whether an anonymous caller gets there."""
