# Two entry points that do all set-up themselves: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

# The stamp names the Python that built .venv: a newer Python (or a .venv made by another one) rebuilds it.
PY_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
INSTALLED := $(BIN)/.installed-python-$(PY_VERSION)

$(INSTALLED): pyproject.toml
	@if [ -d $(VENV) ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" \
	    != "$(PY_VERSION)" ]; then echo "$(VENV) was made by another Python: rebuilding it"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(INSTALLED)
	$(BIN)/plangen generate --mapping mappings/caseload.yaml --out plans

test: $(INSTALLED)
	bash scripts/ensure-libreoffice.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) plans
