"""Weekly email digests (issue 7): subscriptions, rendering, sending and scheduling.

The core never imports this package; it reads the schedule through :class:`tracker.query.Schedule`
and keeps its own rows (subscriptions, send log) in tables declared in :mod:`tracker.store`.

- :mod:`tracker.digests.settings` — SMTP and digest settings (``TRACKER_*``).
- :mod:`tracker.digests.store` — subscriptions and the send log (claim, mark sent / failed).
- :mod:`tracker.digests.render` — pure functions: views in, context, HTML/text, message out.
- :mod:`tracker.digests.mailer` — SMTP with retries and backoff.
- :mod:`tracker.digests.service` — one week's digests: claim, render, send, record.
- :mod:`tracker.digests.scheduler` — APScheduler jobs persisted in the database.
- :mod:`tracker.digests.commands` — what the ``tracker digest …`` commands do.
"""
