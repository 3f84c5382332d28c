#!/usr/bin/env bash
# Installs everything the tests need (Debian packages, a fresh venv with the test extras) and
# runs the whole suite: ruff, mypy, import-linter and pytest (which also builds and installs the
# wheel, and starts and stops the Prism mock of GitHub's API for the forge tests).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pair in git:git gpg:gpg ssh-keygen:openssh-client chromium:chromium pdftotext:poppler-utils node:nodejs npm:npm; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

venv="${GAC_VENV:-.venv}"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e ".[test]"

# GitHub's OpenAPI description and Prism, pinned in package-lock.json, for the forge tests;
# downloads are cached under the checkout so a second run needs no network.
npm ci --cache .cache/npm --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null

"$venv/bin/ruff" check govern_as_code tests benchmarks
"$venv/bin/ruff" format --check govern_as_code tests benchmarks
"$venv/bin/mypy"
"$venv/bin/lint-imports" --no-cache

set +e
"$venv/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$status"
