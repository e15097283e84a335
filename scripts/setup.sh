#!/usr/bin/env bash
# Installs what building and testing pgmig needs on Debian 12 (idempotent; quiet when all is there).
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    postgresql-15 postgresql-client-15 postgresql-server-dev-15 libpq-dev libssl-dev
    libkrb5-dev libldap-dev
    libcli11-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev libgtest-dev
    libipc-run-perl time openssl jq
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "pgmig: missing packages: ${missing[*]}" >&2
    echo "pgmig: run as root (or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
fi
echo "pgmig: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
