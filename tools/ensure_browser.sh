#!/usr/bin/env bash
# Provide the Chromium that the browser tests and the report's static figures drive, where this machine allows:
# found already -> nothing; missing and root with apt-get -> install Debian's chromium (one line says so);
# otherwise one line with the reason and the command that fixes it, and the browser tests will be skipped.
# Under CI=true a browser that cannot be provided is an error. BROWSER_INSTALL=no never installs.
# Usage: tools/ensure_browser.sh <python of the project's venv>
set -u
PY=${1:?usage: tools/ensure_browser.sh <python>}
lookup() { "$PY" -c 'from sim.shell.browser import find_chromium; print(find_chromium() or "")' 2>/dev/null; }
reason() { "$PY" -c 'from sim.shell.browser import missing_reason; print(missing_reason())' 2>/dev/null; }
ci() { case "${CI:-}" in true|TRUE|True|1|yes) return 0;; *) return 1;; esac; }

[ -n "$(lookup)" ] && exit 0
if [ "${BROWSER_INSTALL:-yes}" != "no" ] && [ -z "${BROWSER_PATH:-}" ] && [ "$(id -u)" = 0 ] \
   && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the browser tests and the report's figures (apt-get, about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1 && [ -n "$(lookup)" ]; then
    exit 0
  fi
  echo "setup: installing chromium with apt-get failed"
fi
if ci; then
  echo "setup: CI=true and $(reason)" >&2
  exit 1
fi
echo "setup: $(reason); until then the browser tests are skipped and reports have no PNG/SVG figures"
exit 0
