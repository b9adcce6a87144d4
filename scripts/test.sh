#!/usr/bin/env bash
# The whole test suite, the one test command (CI runs it through .ci/run): install what is
# missing, then build and run every test (unit, integration on SQLite, integration on
# PostgreSQL) twice, warnings as errors:
#   1. RelWithDebInfo in ./build
#   2. Debug with AddressSanitizer and UndefinedBehaviorSanitizer in ./build-asan
# TRELLIS_TEST_BUILDS=release (or asan) runs only that one.
set -euo pipefail
cd "$(dirname "$0")/.."
# Packages, and the RelWithDebInfo build in ./build as step 1 configures it.
TRELLIS_TESTS=ON TRELLIS_WERROR=ON scripts/setup.sh
# In CI PostgreSQL tests must run: a server that cannot start fails them instead of
# skipping them.
if [ -n "${CI:-}" ]; then export TRELLIS_REQUIRE_POSTGRES=1; fi
jobs=$(nproc)

# build_and_test DIR BUILD_TYPE SANITIZE
build_and_test() {
  echo "== $1: $2, sanitizers $3"
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE="$2" -DTRELLIS_SANITIZE="$3" -DTRELLIS_WERROR=ON \
    -DTRELLIS_TESTS=ON >/dev/null
  cmake --build "$1" -j"$jobs"
  (cd "$1" && ctest --output-on-failure --timeout 900 -j"$jobs")
}

builds=${TRELLIS_TEST_BUILDS:-release asan}
for b in $builds; do
  case "$b" in
    release) build_and_test build RelWithDebInfo OFF
             scripts/check_install.sh ;;  # examples/embed against the installed package
    # A finding aborts the process, so that a test sees a signal, never an exit status
    # that could pass for trellis' own.
    asan) (export ASAN_OPTIONS=abort_on_error=1
           export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
           build_and_test build-asan Debug ON) ;;
    *) echo "test.sh: unknown build '$b' (release, asan)" >&2; exit 2 ;;
  esac
done
