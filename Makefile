# Two commands are the whole set-up: `make demo` and `make test`.
.PHONY: demo test lint bench setup clean

setup:
	scripts/setup

demo: setup
	scripts/demo

test: setup
	scripts/with-env ruff check .
	scripts/with-env pytest -q

lint: setup
	scripts/with-env governance lint

bench: setup
	scripts/with-env python bench/run_all.py

clean:
	rm -rf .airflow .estate .governance reports .pytest_cache
