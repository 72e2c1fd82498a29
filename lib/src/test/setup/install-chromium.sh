#!/usr/bin/env bash
# Test setup, run by Maven before lib's tests (exec-maven-plugin in lib/pom.xml): makes sure Debian's headless
# Chromium is present for the report's browser test (io.latentspark.report.ReportInBrowserTest). Installs the
# `chromium` package with apt-get when it is missing and this runs as root; otherwise says what to do and
# leaves the decision to the test, which fails with this script's name when Chromium is absent.
set -euo pipefail
BIN=${LATENTSPARK_CHROMIUM:-/usr/bin/chromium}
if [[ -x "$BIN" ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
  echo "[install-chromium] $BIN is missing: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q > /dev/null
  apt-get install -y -q --no-install-recommends chromium > /dev/null
  "$BIN" --version >&2
else
  echo "[install-chromium] $BIN is missing and cannot be installed here (needs root and apt-get);" \
    "install Debian's chromium package, or point LATENTSPARK_CHROMIUM at a Chromium binary" >&2
fi
