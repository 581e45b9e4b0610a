"""Command line: `python run.py [daemon options]` or `python run.py SUBCOMMAND ...`."""
from monitor.cli.main import main

__all__ = ["main"]
