#!/usr/bin/env bash
# Installs what `make bench` needs beyond `make setup`: Debian's nginx (the reference proxy),
# wrk (HTTP load) and brotli (bundle size). Idempotent: checks dpkg first, so a warm machine
# pays nothing.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

missing=()
for package in nginx wrk brotli; do installed "$package" || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  # nginx's package starts the system service; the benchmark runs its own instance on a
  # loopback port, so stop the service again if the install started it.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi
echo "bench: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | awk '{print "wrk " $2}'), $(brotli --version)"
