"""Calendar feeds: RFC 5545 export of the schedule, private feed tokens and the feed server.

``ics`` holds the pure rendering (views in, bytes out), ``export`` the feed specification and
the one query a feed makes, ``tokens`` the private subscriber tokens and ``server`` the ASGI
application. The core (``tracker.query``, ``tracker.store``…) never imports this package.
"""
