"""Monthly two-way feedback: manager → rep, rep → company (the voice of the field)."""
