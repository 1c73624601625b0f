#!/usr/bin/env bash
# The wheel as a user gets it (`pip install factdesk-*.whl`, no extras): build it from the
# sources, install it into a fresh virtual environment, then run `factdesk self-test`, and
# create a project and import one article of every format (text, Markdown, saved web
# page, Word, PDF) through the installed `factdesk` command, outside the checkout. Every
# command must succeed and print nothing on stderr. Needs PyPI (the dependencies).
# Leaves nothing behind: everything happens in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
work=$(mktemp -d "${TMPDIR:-/tmp}/factdesk-wheel-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "building the wheel from a copy of the sources"
mkdir "$work/src"
cp -r "$repo/app" "$repo/resources" "$repo/pyproject.toml" "$repo/setup.py" \
    "$repo/README.md" "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
"$PYTHON" -m venv "$work/venv"
venv="$work/venv/bin"
"$venv/python" -m pip install -q --upgrade pip
"$venv/python" -m pip wheel -q --no-deps -w "$work/dist" "$work/src"
ls "$work/dist"

step "installing it without extras into a fresh virtual environment"
"$venv/python" -m pip install -q "$work"/dist/factdesk-*.whl
for tool in pytest PyInstaller sklearn mypy; do
    if "$venv/python" -c "import $tool" 2>/dev/null; then
        echo "FAILED: $tool is installed by a plain install; it belongs in an extra"
        exit 1
    fi
done

# Outside the checkout, with its own settings: `app` can only come from the wheel.
cd "$work"
export HOME="$work/home" FACTDESK_CONFIG_DIR="$work/config" FACTDESK_REVIEWER="Wheel Check"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME PYTHONPATH
mkdir -p "$HOME"

# Runs the installed command; fails on a non-zero exit or anything printed on stderr.
run() {
    echo "\$ factdesk $*"
    if ! "$venv/factdesk" "$@" 2>"$work/stderr"; then
        echo "FAILED (exit status): factdesk $*"; cat "$work/stderr"; exit 1
    fi
    if [ -s "$work/stderr" ]; then
        echo "FAILED (stderr not empty): factdesk $*"; cat "$work/stderr"; exit 1
    fi
}

step "self-test"
run self-test

step "importing every format"
"$venv/python" -c "import app, pathlib, sys; \
assert pathlib.Path(app.__file__).is_relative_to(sys.prefix), app.__file__; \
from app.core.sample_files import write_format_samples; \
write_format_samples(pathlib.Path('articles'))"
run new desk.factdesk
for article in articles/*; do
    run import "$article" --project desk.factdesk
    run detect "$article" --json >/dev/null
done
run articles desk.factdesk
echo
echo "Wheel check passed."
