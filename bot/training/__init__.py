"""Continuous training (issue 14): courses as short lessons with quizzes, delivered by DM, assigned,
tracked and escalated when overdue. See the modules' docstrings; `handlers` holds what bot/features.py
names."""
