# Thin aliases of nox sessions (noxfile.py, antsibull-nox.toml); `make nox ARGS=-l` lists every session.
#
#   make demo          playbooks/demo.yml against the bundled API emulator (nox -s demo)
#   make test          the gates below, two sessions at a time; last line: "N passed, M failed"
#   make matrix        sanity, units, integration and target Pythons on every ansible-core line (LINE=2.16: one line)
#   make docs          the HTML docs site in build/docsite/build/html (its own docs-only venv)
#   make reliability   faults, races, bad input, TLS, secrets, and the network lane in full
#   make network       the network lane alone (root)
#   make bench         benchmarks against the emulator (BENCH_SMOKE=1: tiny sizes)
#   make mutation      mutation score of plugins/module_utils, action and plugin_utils under the unit tests
#   make release VERSION=x.y.z [DRY_RUN=1]   changelog, galaxy.yml, release check, commit, tarball, tag
#   make clean         remove build/, .nox/ and tests/output
PYTHON ?= python3
NOX_VENV := .venv-nox
NOX := $(NOX_VENV)/bin/nox --reuse-venv yes --non-interactive
.DEFAULT_GOAL := help
.PHONY: help test demo matrix docs reliability network bench mutation release properties nox clean

help:
	@sed -n '2,12s/^# \{0,1\}//p' Makefile

$(NOX_VENV)/bin/nox: tools/nox-requirements.txt
	@echo "make: installing nox and antsibull-nox into $(NOX_VENV)"
	@$(PYTHON) -m venv --without-pip $(NOX_VENV) && $(PYTHON) -m pip --python $(NOX_VENV)/bin/python install -q $$(grep '^uv==' tools/nox-requirements.txt)
	@$(NOX_VENV)/bin/uv pip install -q --python $(NOX_VENV)/bin/python -r tools/nox-requirements.txt && touch $@  # uv: 3 s, where pip took 14

test: $(NOX_VENV)/bin/nox
	@rm -f build/nox-test.json; mkdir -p build
	@$(NOX) -j 2 --allow-parallel --report build/nox-test.json || true
	@$(NOX_VENV)/bin/python tools/junit_summary.py build/nox-test.json

matrix: $(NOX_VENV)/bin/nox
	@rm -f build/nox-matrix.json; mkdir -p build
	@$(NOX) -j 2 --allow-parallel --report build/nox-matrix.json -t $(if $(LINE),matrix-$(LINE),matrix) || true
	@$(NOX_VENV)/bin/python tools/junit_summary.py build/nox-matrix.json

demo docs mutation properties: $(NOX_VENV)/bin/nox
	@$(NOX) -s $@

reliability: $(NOX_VENV)/bin/nox
	@$(NOX) -s reliability -- --full

network: $(NOX_VENV)/bin/nox
	@NODEUM_NETWORK_LANE=full $(NOX) -s network

bench: $(NOX_VENV)/bin/nox
	@$(NOX) -s bench $(if $(filter-out 0,$(BENCH_SMOKE)),-- --smoke)

release: $(NOX_VENV)/bin/nox
	@$(NOX) -s release -- "$(VERSION)" $(if $(filter-out 0,$(DRY_RUN)),--dry-run)

nox: $(NOX_VENV)/bin/nox
	@$(NOX) $(ARGS)

clean:
	rm -rf build .nox tests/output tests/integration/inventory
