# The portal's commands. The README's two: `make run` and `make test`.
# Both create .venv from the pinned requirements the first time (and again when they change).

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu-$(VNU_VERSION)/vnu.jar
PYTEST_ARGS ?=
# The suite in parallel, one worker per core up to four (pytest-xdist; each worker has its own test
# database); long tests start first (tests/conftest.py). PYTEST_PARALLEL= runs it in one process.
PYTEST_PARALLEL ?= --numprocesses=auto --maxprocesses=4 --dist=worksteal
PORT ?= 8000

.PHONY: run test screenshots lint check lock clean vnu serve backup restore messages lighthouse

$(STAMP): requirements/dev.txt
	@python=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	  fi
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $(STAMP)

# runserver announces the portal's address itself, once it listens (make run PORT=8001 for another port).
run: $(STAMP)
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py load_seed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then \
	  echo "Chromium found: the browser tests run too."; \
	else \
	  echo "Chromium not found: the browser tests (tests/e2e) will be SKIPPED. Install it with: apt-get install chromium"; \
	fi
	@$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure." >&2; fi; \
	  exit $$status

# The README's screenshots: the browser test writes them to a temporary folder unless SCREENSHOTS_DIR
# names one, so that `make test` leaves the work tree as it was.
screenshots: $(STAMP)
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/e2e/test_screenshots.py tests/e2e/test_curation.py -k "screenshots or coordinator"

# The interface's catalogues (docs/translation.md): every string of the code and templates into
# locale/<language>/LC_MESSAGES/django.po for each language of settings.LANGUAGES but English, without
# line numbers (no churn when code moves), then compiled to the .mo files Django reads, which are
# committed. Untranslated strings are left empty: `msgattrib --untranslated locale/fr/LC_MESSAGES/django.po`
# lists them, and tests/test_catalogues.py fails until they are filled.
MESSAGE_LANGUAGES = $(shell $(PY) -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings"); import django; django.setup(); from django.conf import settings; print(" ".join("-l " + code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE))' 2>/dev/null)
messages: $(STAMP)
	$(PY) manage.py makemessages $(MESSAGE_LANGUAGES) --no-location --no-obsolete \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=static --ignore=staticfiles --ignore=var --ignore=.cache
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.cache
	@for po in locale/*/LC_MESSAGES/django.po; do printf '%s: ' $$po; msgfmt --check --statistics -o /dev/null $$po; done

# Production: DJANGO_ENV=production and its required settings in the environment (docs/operations.md).
serve: $(STAMP)
	$(PY) manage.py migrate --verbosity 1
	$(PY) manage.py collectstatic --noinput --verbosity 1
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

# Every record, history included, to BACKUP (default backups/portal-<time>.json.gz); and back into an
# empty database. See docs/operations.md.
BACKUP ?= backups/portal-$(shell date -u +%Y%m%dT%H%M%SZ).json.gz
backup: $(STAMP)
	$(PY) manage.py backup_data $(BACKUP)

restore: $(STAMP)
	@test -n "$(FROM)" || { echo "Say which backup: make restore FROM=backups/portal-....json.gz" >&2; exit 2; }
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py restore_data $(FROM)

# lint-imports: the layers of docs/architecture.md (its contracts are in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The Nu Html Checker, for tests/e2e/test_html_validity.py (needs Java); fetched from the npm registry.
vnu: $(VNU_JAR)
$(VNU_JAR):
	@mkdir -p $(dir $(VNU_JAR))
	cd $(dir $(VNU_JAR)) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar -xzf vnu-jar-$(VNU_VERSION).tgz && mv package/build/dist/vnu.jar . && rm -rf package vnu-jar-$(VNU_VERSION).tgz

# Lighthouse's four scores on five public pages, served as in production on a throwaway SQLite
# database; fails under 100 (bench/README.md). Installs lighthouse from the npm registry into .cache
# the first time; needs Chromium and npm. Not part of `make test`.
lighthouse: $(STAMP)
	$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

# Regenerate the pinned, hashed requirements from pyproject.toml (needs pip-tools in the venv).
lock: $(STAMP)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-find-links --no-emit-index-url -o requirements/base.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-find-links --no-emit-index-url --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) .cache staticfiles db.sqlite3
