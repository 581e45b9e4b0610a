# One command to run, one to test; both set themselves up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test install clean bench browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) run.py $(ARGS)

demo: $(STAMP)
	$(PY) run.py --demo $(ARGS)

# The dashboard tests drive Debian's chromium; install it when missing and we may (root, apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser tests will be skipped"; }

test: $(STAMP) browser
	$(PY) -m pytest $(ARGS)

bench: $(STAMP)
	$(PY) bench/classify_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
