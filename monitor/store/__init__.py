"""SQLite through sqlite-utils: WAL, numbered migrations, one writer (the daemon's event loop)."""
from monitor.store.store import Store, StoreError

__all__ = ["Store", "StoreError"]
