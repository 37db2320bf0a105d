#!/usr/bin/env bash
# Install formcheck into ./.venv, with the system libraries OpenCV needs.
#   ./install.sh          the tool itself
#   ./install.sh test     plus what the test suite needs (pytest, a headless Chromium, the
#                         PostgreSQL server, the synthetic athlete formcheck-synth from synth/
#                         without rendering, …),
#                         and the lite and heavy pose models when npm can fetch them
#   ./install.sh models   the tool, plus the lite and heavy pose models (needs npm and internet
#                         once; the full model is bundled and needs no install step)
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"
extra="${1:-}"
PYTHON="${PYTHON:-python3}"

missing=()
# mediapipe 0.10.21 pulls opencv-contrib-python, which needs libGL and GLib from the system.
ldconfig -p | grep -q 'libGL.so.1' || missing+=(libgl1)
ldconfig -p | grep -q 'libglib-2.0.so.0' || missing+=(libglib2.0-0)
if [ "$extra" = "test" ]; then
  # The HTML report is tested in a real headless browser.
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # `formcheck serve` is tested against a real PostgreSQL server: the suite starts a throwaway
  # cluster of its own with the server's binaries (initdb, pg_ctl), as the postgres user
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: installing system packages: ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "install.sh: please install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$extra" = "test" ]; then
  # the tests also need the synthetic athlete (synth/, formcheck-synth), without its render
  # extra: the rendering tests skip where torch, anny or pyrender are absent, as before
  .venv/bin/python -m pip install -q -e ".[test]" -e ./synth
else
  .venv/bin/python -m pip install -q -e .
fi

# The full model as a .task bundle, assembled offline from the wheel's own files: with it,
# formcheck also counts the people in view and warns when a second person is in the frame.
if [ ! -f models/pose_landmarker_full.task ]; then
  .venv/bin/formcheck models build-full -o models >/dev/null
fi

# The lite and heavy pose models (`--model lite|heavy`): fetched once, here, never while analysing.
if [ "$extra" = "models" ]; then
  .venv/bin/formcheck models install
elif [ "$extra" = "test" ]; then
  # the tests of lite and heavy skip when they are absent; the rest of the suite needs neither
  .venv/bin/formcheck models install \
    || echo "install.sh: lite/heavy pose models not installed; their tests will skip" >&2
fi
