# The two commands of README.md: `make run` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: setup run test token bench lint contracts

# uv itself comes from PyPI into a private folder; it then builds .venv from uv.lock.
$(UV):
	@python3 -m venv .tools >&2 && .tools/bin/pip install -q "uv>=0.5,<1" >&2

.venv/.synced: $(UV) uv.lock pyproject.toml */pyproject.toml
	@$(UV) sync -q --all-packages --frozen --python python3.11 >&2
	@touch $@

# The router's node packages, from gateway/package-lock.json; again only when that changes.
gateway/node_modules/.installed: gateway/package.json gateway/package-lock.json
	@cd gateway && npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

setup: .venv/.synced gateway/node_modules/.installed

run: setup
	@$(PY) -m localinfra platform

test: setup
	@bash infra/ensure-postgres.sh
	@bash infra/ensure-chromium.sh
	@$(PY) -m localinfra kafka fetch >&2
	@$(PY) -m pytest

bench: setup
	@bash infra/ensure-postgres.sh
	@$(PY) -m pytest tests/bench -o python_files='bench_*.py' -s

# Each service's SDL and AsyncAPI document and the supergraph, from the code, into */contract/.
contracts: setup
	@$(PY) -m localinfra contracts

token: setup
	@$(PY) -m shared.token $(ROLE)

lint: setup
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
