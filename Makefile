# Two commands are the whole set-up: `make demo` and `make test`.
.PHONY: demo test test-production lint bench setup clean

setup:
	scripts/setup

demo: setup
	scripts/demo

# The suite on SQLite and on PostgreSQL (a throw-away local server), side by side: scripts/test.
test: setup
	scripts/with-env ruff check .
	scripts/test

# docker-compose.yml's CeleryExecutor stack run as local processes (tests/production, ~7 min):
# alone, after `make test`, as CI runs it (it needs the machine's two cores to itself).
test-production: setup
	GOVERNANCE_TEST_PRODUCTION=1 scripts/with-env pytest tests/production -q -p no:cacheprovider

lint: setup
	scripts/with-env governance lint

bench: setup
	scripts/with-env python bench/run_all.py

clean:
	rm -rf .airflow .estate .governance reports .pytest_cache
