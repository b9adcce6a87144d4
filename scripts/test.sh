#!/usr/bin/env bash
# The whole test suite: install what is missing, build with tests, run every test
# (unit, integration on SQLite, integration on a private PostgreSQL server).
set -euo pipefail
cd "$(dirname "$0")/.."
TRELLIS_TESTS=ON scripts/setup.sh
# In CI PostgreSQL tests must run: a server that cannot start fails them instead of
# skipping them.
if [ -n "${CI:-}" ]; then export TRELLIS_REQUIRE_POSTGRES=1; fi
cd build
ctest --output-on-failure --timeout 900 -j2
../scripts/check_install.sh  # examples/embed against the installed package
