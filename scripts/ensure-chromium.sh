#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download
# is not used): install the `chromium` and `chromium-driver` packages when the binary is missing.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
/usr/bin/chromium --version >/dev/null
