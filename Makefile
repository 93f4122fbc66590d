# Two commands do all set-up on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAW    ?= raw
CLEAN  ?= clean
PYTEST_ARGS ?=

export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install run test test-fast bench clean-output

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsclean run $(RAW) $(CLEAN)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# the quick loop while developing: no Prefect end-to-end tests
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not prefect" $(PYTEST_ARGS)

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,dask,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m benchmarks.run

clean-output:
	rm -rf $(CLEAN)
