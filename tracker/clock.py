"""The injectable notion of "today": production reads the system date, tests freeze it."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    """Something that knows today's date."""

    def today(self) -> dt.date:
        """Return the current date."""
        ...


class SystemClock:
    """Today's date from the system, unless ``TRACKER_TODAY`` (ISO date) overrides it."""

    def today(self) -> dt.date:
        """Return ``TRACKER_TODAY`` when set, else the local date."""
        frozen = os.environ.get("TRACKER_TODAY")
        if frozen:
            return dt.date.fromisoformat(frozen)
        return dt.date.today()


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one date, for tests and reproducible runs."""

    date: dt.date

    def today(self) -> dt.date:
        """Return the frozen date."""
        return self.date
