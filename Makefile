# Quorum: `make run` serves the demo, `make test` runs the tests, `make bench` measures.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test bench install install-dev keys migrate seed clean chromium

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# SECRET_KEY and QUORUM_ENCRYPTION_KEYS: generated into instance/ (mode 0600) on first
# start when the environment gives none; the app refuses to start without strong keys.
keys: install
	$(BIN)/python -c 'from webapp.config import INSTANCE_DIR; from webapp.instance_keys import main; main(INSTANCE_DIR)'

migrate: keys
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed demo

# The URL is announced once the server listens (bin/announce_when_listening.py polls the port).
run: seed
	@$(BIN)/python bin/announce_when_listening.py $(HOST) $(PORT) &
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: install-dev chromium
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-dev keys
	$(BIN)/python bench/run.py
	$(BIN)/python bench/next_task.py
	$(BIN)/python bench/data_manager.py
	$(BIN)/python bench/ml.py
	$(BIN)/python bench/import_time.py

clean:
	rm -rf $(VENV) instance
