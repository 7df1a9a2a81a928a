# The two commands of the README: `make demo` and `make test`. Everything else is a step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DIR := demo-output

.PHONY: help venv test demo emulator bench docs build clean

help:
	@echo "make demo   - start the emulator and run DR setup and a drill against it"
	@echo "make test   - unit, emulator, conformance, sanity, lint, docs, changelog, integration"
	@echo "make bench  - benchmarks against the emulator (results in tests/bench/results/)"
	@echo "make emulator - run the emulator in the foreground (Ctrl-C stops it)"

# The virtualenv is rebuilt when a requirements file changes.
$(VENV)/.installed: tests/requirements.txt tests/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r tests/requirements.txt -c tests/constraints.txt
	touch $@

venv: $(VENV)/.installed

test: venv
	bash tests/ci/test.sh

demo: venv
	bash tests/ci/demo.sh $(DEMO_DIR)

emulator: venv
	PYTHONPATH=tests/emulator $(PY) -m sdrs_emulator --port 8443 --workdir .build/emulator \
		--connection-file .build/emulator/connection.json --state-file .build/emulator/state.json

bench: venv
	bash tests/bench/run.sh

# Module and role reference generated from their own documentation (antsibull-docs), into
# $(DOCS_BUILD)/docs; generated files are never committed. SDRS_BUILD_DIR picks another build dir.
DOCS_BUILD := $(abspath $(or $(SDRS_BUILD_DIR),.build))
docs: venv
	SDRS_BUILD_DIR=$(DOCS_BUILD) $(PY) tests/ci/collection_tree.py
	rm -rf $(DOCS_BUILD)/docs && mkdir -p -m 755 $(DOCS_BUILD)/docs
	PATH="$(abspath $(VENV))/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH=$(DOCS_BUILD) $(VENV)/bin/antsibull-docs collection \
		--use-current --squash-hierarchy --output-format simplified-rst --fail-on-error \
		--dest-dir $(DOCS_BUILD)/docs cloud_dr.sdrs
	@echo "Module and role reference: $(DOCS_BUILD)/docs/index.rst"

build: venv
	$(VENV)/bin/ansible-galaxy collection build --force --output-path .build/dist

clean:
	rm -rf .build $(DEMO_DIR) .pytest-collections tests/output
