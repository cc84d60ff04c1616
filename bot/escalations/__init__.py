"""Escalations: a problem a manager raises about a rep, and, if serious, sends to the rep's vendor."""
