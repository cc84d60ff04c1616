"""Recognition (issue 15)."""
