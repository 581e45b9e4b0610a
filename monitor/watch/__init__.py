"""Watching the monitor's own inputs: a storm of complaints, and sources that have gone silent.
Each watch opens a notice once (monitor/store/notices.py), sent through the notifiers' outbox, and
closes it once when things are back to normal."""
