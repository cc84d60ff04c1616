"""Benchmarks: they print figures and ratios against a baseline measured in the same run; they never fail
on a timing. `make bench` runs `python -m benchmarks.http` (see benchmarks/README.md)."""
