"""Weekly check-ins: each rep's result, confidence, highlights and blockers per goal and ISO week."""
