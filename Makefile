# A newcomer's commands: `make demo` and `make test` (both run set-up first; set-up is idempotent).
.PHONY: setup demo test lint bench golden wheel clean
VENV := .venv
BIN := $(VENV)/bin
OUT ?= output

setup:
	@scripts/setup.sh

demo: setup
	$(BIN)/ggmulti publish examples/releases --out $(OUT)
	@echo "(or serve it: python3 -m http.server -d $(OUT) 8000, then http://localhost:8000/)"

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

test: setup lint
	$(BIN)/python -m pytest -q

# After a deliberate change to the output: rewrite tests/golden/ and docs/manifest.schema.json, then review the diff.
golden: setup
	GGMULTI_REFRESH_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: setup
	$(BIN)/python -m bench

# The installable tool: dist/ggmulti-<version>-py3-none-any.whl (pipx install ./dist/ggmulti-*.whl).
wheel: setup
	rm -rf dist build
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation -q -w dist .
	@ls dist/*.whl

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
