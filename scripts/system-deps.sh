#!/usr/bin/env bash
# Installs the Debian packages the app needs when they are missing. Usage:
#   scripts/system-deps.sh run     redis
#   scripts/system-deps.sh test    redis, PostgreSQL 15 server binaries, chromium
set -euo pipefail
want=(redis-server)
[ "${1:-run}" = test ] && want+=(postgresql-15 chromium fonts-dejavu-core fonts-noto-color-emoji)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system-wide Redis; ours run on their own ports.
