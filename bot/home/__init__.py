"""The App Home tab: what each role needs at a glance, refreshed when the data behind it changes."""
