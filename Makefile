# Factdesk developer commands. `make run` and `make test` do all the set-up they need on
# a fresh Debian machine (as root they also install the system packages) and are safe to
# repeat: the virtual environment is reused until pyproject.toml or setup.py changes.
# Each target installs only what it uses: `make run` the app alone; the test, lint,
# packaging and training tools come with the targets that use them (pyproject extras).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml setup.py | sha256sum | cut -c1-16)
# pytest-xdist workers: one per core (each starts its own test PostgreSQL server).
TEST_WORKERS ?= auto
SAMPLE := var/sample.factdesk
# The sample's known verdicts go into a library of their own, never the user's real one.
SAMPLE_LIBRARY := $(abspath var/sample-library.sqlite3)
export QT_QPA_PLATFORM ?= offscreen

# Debian packages: Qt's offscreen/xcb platforms, a font, PostgreSQL for the server tests,
# Xvfb and ImageMagick for real-window screenshots, binutils for PyInstaller (`make dist`).
APT_PACKAGES := libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0 \
	libdbus-1-3 fonts-dejavu-core xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-xkb1 libxcb-cursor0 libxcb-shape0 libxcb-randr0 \
	postgresql imagemagick binutils

.PHONY: setup setup-dev setup-build setup-train system-packages run test lint typecheck \
	bench dist train stress fuzz sample wheel-check clean

setup: system-packages $(STAMP)-app
# The test suite also checks that the training script rebuilds the shipped model (with
# the shared data beside the checkout), so the test tools come with the training extra.
setup-dev: system-packages $(STAMP)-dev,train
setup-build: system-packages $(STAMP)-build
setup-train: system-packages $(STAMP)-train

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "Missing system packages (install them as root):$$missing"; \
		fi; \
	fi

# One stamp per set of extras ("app" is the app alone); a changed pyproject.toml or
# setup.py gives new stamp names, so every set is installed again when next needed.
$(STAMP)-%: pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.$(if $(filter app,$*),,[$*])'
	find $(VENV) -maxdepth 1 -name '.installed-*' ! -name '$(notdir $(STAMP))-*' -delete
	touch $@

$(SAMPLE): | setup
	mkdir -p var
	$(PY) scripts/make_sample_project.py $(SAMPLE) --library $(SAMPLE_LIBRARY)

sample: $(SAMPLE)

run: setup $(SAMPLE)
	QT_QPA_PLATFORM= FACTDESK_LIBRARY=$(SAMPLE_LIBRARY) $(PY) -m app $(SAMPLE)

lint: setup-dev
	$(VENV)/bin/ruff check app tests bench scripts
	$(VENV)/bin/mypy

# The whole suite, spread over the cores by pytest-xdist.
test: setup-dev lint
	$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS)

bench: setup
	$(PY) bench/run_all.py

# Retrain the claim detector (reads ../shared/data/checkworthiness).
train: setup-train
	$(PY) scripts/train_checkworthiness.py

# The wheel as a user gets it: built, installed without extras into a fresh virtual
# environment, then its self-test and an import of every format (needs PyPI).
wheel-check:
	packaging/check_wheel.sh

# The onedir bundle, its self-test, and its size against the 130 MB budget (issue 9).
dist: setup-build
	$(VENV)/bin/pyinstaller --noconfirm --clean packaging/factdesk.spec
	dist/factdesk/factdesk self-test
	$(PY) bench/packaging.py --size

stress: setup-dev
	FACTDESK_STRESS_KILLS=200 $(PY) -m pytest -p no:cacheprovider tests/reliability -k crash

fuzz: setup-dev
	FACTDESK_FUZZ_FULL=1 $(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) tests -k fuzz

clean:
	rm -rf build dist var .pytest_cache .mypy_cache .ruff_cache
