#!/usr/bin/env bash
# Installs everything Trellis needs to build and test on Debian 12 (run as root),
# then configures and builds into ./build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential cmake pkg-config git
      libsqlite3-dev libpq-dev libpg-query-dev libtomlplusplus-dev libcli11-dev
      nlohmann-json3-dev libfmt-dev libgtest-dev postgresql pgbouncer sqlite3 python3
      graphviz alembic python3-alembic python3-psycopg2)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
build_type=${TRELLIS_BUILD_TYPE:-RelWithDebInfo}
werror=${TRELLIS_WERROR:-OFF}
[ -n "${CI:-}" ] && werror=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" -DTRELLIS_WERROR="$werror" \
  -DTRELLIS_TESTS="${TRELLIS_TESTS:-ON}" >/dev/null
cmake --build build -j"$(nproc)"
