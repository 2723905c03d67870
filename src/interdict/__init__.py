"""interdict."""
