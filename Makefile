# One command to run, one to test. Both create .venv and install the pinned requirements first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench bench-clean chaos backup restore fuzz e2e-deps pdf-deps debs clean-data messages prodcheck

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the requirements change, so a second `make run` starts in seconds
# (requirements.txt includes requirements-production.txt).
$(STAMP): requirements.txt requirements-production.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP) pdf-deps
	$(PY) -m samverkan.devstack run

# The monthly report's PDF (WeasyPrint, ADR 0026) needs Pango and a font with Swedish letters,
# the browser tests Debian's Chromium besides; install from Debian's packages what is missing.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	@$(MAKE) --no-print-directory debs WANT_CHROMIUM=

e2e-deps:
	@$(MAKE) --no-print-directory debs WANT_CHROMIUM=1

debs:
	@missing=""; \
	if [ -n "$(WANT_CHROMIUM)" ] && [ ! -x /usr/bin/chromium ]; then missing="chromium"; fi; \
	for deb in $(PDF_DEBS); do \
		dpkg-query -W -f='$${Status}' $$deb 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$deb"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "[samverkan] installerar från Debians paket:$$missing …"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The suite on two workers (pytest-xdist, each with its own test database); TEST_WORKERS=
# runs it in one process.
TEST_WORKERS ?= -n 2
test: $(STAMP) e2e-deps
	$(PY) -m samverkan.devstack exec -- $(PY) -m pytest $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=samverkan.settings.test $(PY) -m samverkan.devstack exec -- $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Rebuild the compiled translations after editing locale/*/LC_MESSAGES/django.po.
messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv

# The national-scale bench (docs/PERFORMANCE.md): a generated database per size (made once and
# kept; `make bench-clean` drops them), every line against its floor, one table. Then the slow
# tests marked bench. BENCH_SIZES="10000 100000 1000000" for the whole growth curve.
BENCH_SIZES ?= 10000 100000
bench: $(STAMP)
	$(PY) -m samverkan.devstack exec -- $(PY) -m benchmarks --sizes $(BENCH_SIZES) $(BENCH_ARGS)
	$(PY) -m samverkan.devstack exec -- $(PY) -m pytest -m bench -p no:cacheprovider $(PYTEST_ARGS)

# Faults injected into a system of its own (chaos/, docs/RELIABILITY.md): workers killed,
# PostgreSQL and Redis stopped and restarted. Minutes; not part of `make test`.
chaos: $(STAMP)
	$(PY) -m samverkan.devstack exec -- $(PY) -m chaos $(CHAOS_ARGS)

# Backups (docs/RELIABILITY.md, "Backup and restore"). Restore into the configured database is
# refused unless it is empty: RESTORE_ARGS="--database NAME" or RESTORE_ARGS=--overwrite.
backup: $(STAMP)
	$(PY) -m samverkan.devstack exec -- $(PY) manage.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "[samverkan] ange filen: make restore FILE=.data/backups/<fil>.dump"; exit 2; }
	$(PY) -m samverkan.devstack exec -- $(PY) manage.py restore --file $(FILE) $(RESTORE_ARGS)

# The product installed on this Debian machine as docs/OPERATIONS.md says (PostgreSQL, Redis and
# nginx from Debian, the units of deploy/) and checked through nginx over HTTPS. As root; minutes;
# not part of `make test`. PRODCHECK_ARGS=--help for its ports and work directory.
prodcheck:
	/usr/bin/python3 -m deploy.prodcheck $(PRODCHECK_ARGS)

bench-clean: $(STAMP)
	$(PY) -m samverkan.devstack exec -- $(PY) -m benchmarks --clean

# The API fuzzing with schemathesis's coverage phase too (boundary values, undocumented methods).
fuzz: $(STAMP)
	FUZZ_COVERAGE=1 $(PY) -m samverkan.devstack exec -- $(PY) -m pytest -s -p no:cacheprovider samverkan/tests/test_api_fuzz.py $(PYTEST_ARGS)

clean-data:
	rm -rf .data
