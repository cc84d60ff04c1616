"""SMART goals: targets for reps, their weekly breakdown and pace."""
