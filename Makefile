# The two commands of README.md: `make run` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: setup run test test-containers token bench lint contracts

# uv itself comes from PyPI into a private folder; it then builds .venv from uv.lock.
$(UV):
	@python3 -m venv .tools >&2 && .tools/bin/pip install -q "uv>=0.5,<1" >&2

# Bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on our machines), Python
# would otherwise compile every library again in every process it starts: two thirds of a
# service's start-up CPU (BENCHMARKS.md, "Start-up").
.venv/.synced: $(UV) uv.lock pyproject.toml */pyproject.toml Makefile
	@$(UV) sync -q --all-packages --frozen --python python3.11 --compile-bytecode >&2
	@touch $@

# The router's node packages, from gateway/package-lock.json; again only when that changes.
gateway/node_modules/.installed: gateway/package.json gateway/package-lock.json
	@cd gateway && npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

setup: .venv/.synced gateway/node_modules/.installed
	@$(PY) -m compileall -q -j0 shared/src svc-*/src gateway/src infra/src >&2

run: setup
	@$(PY) -m localinfra platform

test: setup
	@bash infra/ensure-postgres.sh
	@bash infra/ensure-chromium.sh
	@$(PY) -m localinfra kafka fetch >&2
	@$(PY) -m pytest

# The integration tests on Kafka and PostgreSQL in containers of images built on this machine
# (infra/containers/build-images.sh: nothing is pulled), through testcontainers, and a service
# run from the project's image. Installs and starts Debian's Docker engine (root or sudo).
# Not part of `make test` or CI, which need no Docker.
CONTAINER_TESTS := shared/tests/test_messaging_integration.py tests/test_migrations.py \
	svc-education/tests/test_seat_concurrency.py svc-grants/tests/test_concurrent_approvals.py \
	svc-grants/tests/test_concurrent_appropriation.py svc-networks/tests/test_integration.py \
	svc-guidance/tests/test_risk_through_kafka.py tests/test_grants_after_award_end_to_end.py \
	infra/tests/test_containers.py infra/tests/test_container_image.py infra/tests/test_compose_up.py
test-containers: setup
	@bash infra/ensure-docker.sh
	@bash infra/ensure-postgres.sh
	@bash infra/containers/build-images.sh
	@KL_CONTAINERS=1 $(PY) -m pytest $(CONTAINER_TESTS)

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
