#!/usr/bin/env bash
# System packages the test suite needs: Chromium for the browser tests, a Java runtime for the
# Nu HTML Checker, npm to install the checker and GNU gettext for the translations (makemessages,
# msgfmt --check). Installs only what is missing; needs root (CI and these machines run as root).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)  # makemessages and the catalogue check (msgfmt --check)
command -v npm >/dev/null 2>&1 || missing+=(npm)  # installs the Nu HTML Checker (vnu-jar) for the tests
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
