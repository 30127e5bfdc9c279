# Two commands are the whole set-up: `make demo` and `make test`.
.PHONY: demo test lint bench setup clean

setup:
	scripts/setup

demo: setup
	scripts/demo

# The suite on SQLite and on PostgreSQL (a throw-away local server), side by side: scripts/test.
test: setup
	scripts/with-env ruff check .
	scripts/test

lint: setup
	scripts/with-env governance lint

bench: setup
	scripts/with-env python bench/run_all.py

clean:
	rm -rf .airflow .estate .governance reports .pytest_cache
