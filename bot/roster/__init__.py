"""The roster: members (admins, managers, reps), their teams and their vendors."""
