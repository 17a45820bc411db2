"""Benchmarks of the Mandate Tracker (issue 9): ``python -m bench`` or ``bench/run``."""
