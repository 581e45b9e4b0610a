#!/usr/bin/env python3
"""The complaint monitor's one entry point: the daemon and its subcommands (see `python run.py --help`)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")


def _use_project_venv() -> None:
    """`python run.py` works with any python: if the dependencies are missing here but the
    project's virtual environment (made by `make install`) has them, re-run inside it."""
    from importlib.util import find_spec
    # Found, not imported: importing TextBlob here would load nltk before rules/sentiment.py can keep
    # it from pulling in scipy and scikit-learn.
    if not all(find_spec(name) for name in ("aiohttp", "feedparser", "pydantic", "sqlite_utils", "textblob", "yaml")):
        if os.path.exists(VENV_PYTHON) and os.path.realpath(sys.prefix) != os.path.realpath(VENV):
            os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
        sys.exit("dependencies missing: run `make install` (or `make run`) first")


if __name__ == "__main__":
    _use_project_venv()
    sys.path.insert(0, HERE)
    from monitor.cli import main

    sys.exit(main())
