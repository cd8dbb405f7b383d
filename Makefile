# Build and test entry points of the nodeum.data_archiving collection.
#
#   make demo         run playbooks/demo.yml against the bundled API emulator (own light venv: .venv-demo)
#   make test         run every check (tools/checks.py); last line: "N passed, M failed"
#   make sanity | units | integration | lint | docs-lint | build   one gate each
#   make docs         build the HTML docs site into build/docsite and check its links
#   make release-check  changelog lint, tarball, install into an empty path, demo from there
#   make release VERSION=x.y.z [DRY_RUN=1]  changelog, galaxy.yml, check, commit, tarball, tag
#   make reliability  faults, races, bad input, TLS, secrets, and the network lane: one table
#   make network      the network lane alone: kernel-made faults in a network namespace (root)
#   make matrix       every ansible-core line: both paths, units, target Pythons, sanity (CORE=2.16: one line)
#   make bench        benchmarks against the emulator (BENCH_SMOKE=1: tiny sizes)
#   make properties   the property tests with many more examples, from random seeds
#   make mutation     mutation score of the unit tests, and the hand-made bugs they must catch
#   make clean        remove build/ and tests/output (keeps .venv and .venv-demo)
#
# Checks are listed in tools/checks.py (CHECKS); adding one is one line there.
# Logs of each check: build/logs/<check>.log. PYTHON picks the interpreter for .venv and .venv-demo.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
CHECKS := $(PY) tools/checks.py

.DEFAULT_GOAL := help
.PHONY: help venv stage test demo sanity units integration lint docs-lint build docs release-check release reliability network matrix bench properties mutation clean

help:
	@sed -n '3,15s/^# \{0,1\}//p' Makefile

$(STAMP): requirements.txt requirements-dev.txt tools/venv.sh
	@PYTHON=$(PYTHON) tools/venv.sh $(VENV) $(STAMP)

venv: $(STAMP)

stage: venv
	@$(PY) tools/staged.py

test: venv
	@$(CHECKS)

# The network lane runs in full here (120 faulted task runs per scenario); make test runs its short form.
NETWORK_LANE := tests/reliability/network_lane.py
reliability: venv ; @NODEUM_NETWORK_LANE=full $(PY) -m pytest tests/reliability $(NETWORK_LANE) tests/unit/plugins/module_utils/test_properties.py -n 2 --dist loadgroup -p no:cacheprovider -q -rs --junitxml=build/junit/reliability/pytest.xml  # faults, races, bad input, TLS, secrets, network: one table

network: venv ; @NODEUM_NETWORK_LANE=full $(PY) -m pytest $(NETWORK_LANE) -p no:cacheprovider -q -rs --junitxml=build/junit/network/pytest.xml  # kernel-made faults, one row per scenario

matrix: venv ; @$(PY) tools/matrix.py $(if $(CORE),--core $(CORE))  # one table; venvs cached in build/venvs

bench: venv ; @$(PY) benchmarks/bench.py $(if $(filter-out 0,$(BENCH_SMOKE)),--smoke)  # against the emulator: one table, figures in benchmarks/results.json

# make test runs them derandomised (profile ci of tests/unit/conftest.py); this finds what its fixed examples miss.
properties: venv
	@NODEUM_HYPOTHESIS_PROFILE=thorough $(PY) -m pytest tests/unit/plugins/module_utils/test_properties.py -p no:cacheprovider -q

mutation: venv  ## not in make test: it takes longer than a few minutes (docs/testing.md)
	@$(PY) tools/mutation.py

# The demo needs only ansible-core and requests: it builds .venv-demo, not the development venv.
demo:
	@PYTHON=$(PYTHON) tools/demo.sh

docs: venv
	@$(PY) tools/docsite.py

release-check: venv
	@tools/release-check.sh

release: venv
	@tools/release.sh "$(VERSION)" $(if $(filter-out 0,$(DRY_RUN)),--dry-run)

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

clean:
	rm -rf build tests/output tests/integration/inventory
