"""Reminders by e-mail (issue 21): what is due on a day (due.py), sent once each (send.py),
one-click unsubscribes (unsubscribe.py), `career-path reminders send` (cli.py)."""
