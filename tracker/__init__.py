"""Mandate Tracker: from UN resolution texts to a dated schedule of what they ask, and by when."""

__version__ = "0.1.0"
