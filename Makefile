# Build and test entry points of the nodeum.data_archiving collection.
#
#   make demo         run playbooks/demo.yml against the bundled API emulator
#   make test         run every check (tools/checks.py); last line: "N passed, M failed"
#   make sanity | units | integration | lint | docs-lint | build   one gate each
#   make docs         build the HTML docs site into build/docsite and check its links
#   make release-check  changelog lint, tarball, install into an empty path, demo from there
#   make reliability  faults, races, bad input, TLS and secrets: one table
#   make matrix       every ansible-core line: both paths, units, target Pythons, sanity (CORE=2.16: one line)
#   make bench        benchmarks against the emulator (BENCH_SMOKE=1: tiny sizes)
#   make changelog    release the changelog fragments into CHANGELOG.rst
#   make clean        remove build/ and tests/output (keeps .venv)
#
# Checks are listed in tools/checks.py (CHECKS); adding one is one line there.
# Logs of each check: build/logs/<check>.log. PYTHON picks the interpreter for .venv.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
CHECKS := $(PY) tools/checks.py

.DEFAULT_GOAL := help
.PHONY: help venv stage test demo sanity units integration lint docs-lint build docs release-check reliability matrix bench changelog clean

help:
	@sed -n '3,15s/^# \{0,1\}//p' Makefile

$(STAMP): requirements.txt requirements-dev.txt tools/venv.sh
	@PYTHON=$(PYTHON) tools/venv.sh $(VENV) $(STAMP)

venv: $(STAMP)

stage: venv
	@$(PY) tools/staged.py

test: venv
	@$(CHECKS)

reliability: venv ; @$(PY) -m pytest tests/reliability tests/unit/plugins/module_utils/test_properties.py -n 2 --dist loadgroup -p no:cacheprovider -q --junitxml=build/junit/reliability/pytest.xml  # faults, races, bad input, TLS, secrets: one table

matrix: venv ; @$(PY) tools/matrix.py $(if $(CORE),--core $(CORE))  # one table; venvs cached in build/venvs

bench: venv ; @$(PY) benchmarks/bench.py $(if $(filter-out 0,$(BENCH_SMOKE)),--smoke)  # against the emulator: one table, figures in benchmarks/results.json

demo: venv
	@tools/demo.sh

docs: venv
	@$(PY) tools/docsite.py

release-check: venv
	@tools/release-check.sh

sanity: venv
	@$(CHECKS) sanity

units: venv
	@$(CHECKS) units

integration: venv
	@$(CHECKS) integration

lint: venv
	@$(CHECKS) ansible-lint

docs-lint: venv
	@$(CHECKS) docs-lint

build: venv
	@$(CHECKS) build-and-ansible-doc

changelog: venv
	$(VENV)/bin/antsibull-changelog lint
	$(VENV)/bin/antsibull-changelog release

clean:
	rm -rf build tests/output tests/integration/inventory
